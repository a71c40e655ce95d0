import type { Defaulted } from './schema.js';

/* Feedback and its content, as Kysely sees them: part of `Database` (schema.ts), split out by feature. */

/** The log of a crash a tester sent with feedback (0008). */
export interface BetaCrashLogsTable {
  id: string;
  app_id: string;
  log_text: string;
}

/** What a feedback submission of either kind tells: Apple's attributes, with its app, build and tester (0008). */
interface FeedbackSubmissionColumns {
  id: string;
  app_id: string;
  build_id: string | null;
  tester_id: string | null;
  created_date: string;
  comment: string | null;
  email: string | null;
  device_model: string | null;
  os_version: string | null;
  locale: string | null;
  time_zone: string | null;
  architecture: string | null;
  connection_type: string | null;
  paired_apple_watch: string | null;
  app_uptime_in_milliseconds: number | null;
  disk_bytes_available: number | null;
  disk_bytes_total: number | null;
  battery_percentage: number | null;
  screen_width_in_points: number | null;
  screen_height_in_points: number | null;
  app_platform: string | null;
  device_platform: string | null;
  device_family: string | null;
  build_bundle_id: string | null;
  /** The usage event the submission came from (0011), or NULL when an operator made it. */
  event_id: string | null;
}

export interface BetaFeedbackScreenshotSubmissionsTable extends FeedbackSubmissionColumns {
  /**
   * JSON: Apple's BetaFeedbackScreenshotImage list `[{url, width, height, expirationDate?}]` as an operator
   * gave it, or the stored screenshots an event named `[{sha256, mediaType, width, height}]` (0011), which
   * `feedback_screenshot_contents` links as well.
   */
  screenshots: Defaulted<string>;
}

export interface BetaFeedbackCrashSubmissionsTable extends FeedbackSubmissionColumns {
  crash_log_id: string | null;
}

/**
 * An uploaded screenshot of an app, by the SHA-256 (hex) of its bytes (0011). The bytes are a file
 * `<data dir>/content/<2 hex>/<sha256>` (SQLite) or the large object `large_object` (PostgreSQL).
 */
export interface ContentBlobsTable {
  app_id: string;
  sha256: string;
  /** image/png | image/jpeg | image/heic, read from the bytes. */
  media_type: string;
  width: number;
  height: number;
  byte_length: number;
  uploaded_at: string;
  /** PostgreSQL: the oid of the large object holding the bytes; NULL on SQLite. */
  large_object: number | string | null;
}

/** The screenshots a submission names, in order (0011): a blob is kept while a row names it. */
export interface FeedbackScreenshotContentsTable {
  submission_id: string;
  /** 0 for the first screenshot. */
  position: number;
  app_id: string;
  sha256: string;
}
