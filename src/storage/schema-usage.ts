import type { Defaulted } from './schema.js';

/* Usage events, their rollups and versions, and ingestion's keys and counters, as Kysely sees them: part of
 * `Database` (schema.ts), split out by feature. */

/** Every usage event, keyed by app and the client's own event id, which makes ingestion exactly-once. */
export interface UsageEventsTable {
  id: string;
  app_id: string;
  tester_id: string;
  type: string;
  occurred_at: string;
  /** The UTC day of `occurred_at`: the rollup bucket this event was counted in. */
  day: string;
  /** The build number the event came from, or '' when the client did not say. */
  build: string;
  platform: string | null;
  device: string | null;
  os_version: string | null;
  received_at: string;
  /** The beta group of a public-link event, else NULL (0009). */
  group_id: string | null;
  /** A `publicLinkDecline`'s reason (notRelevant | notClear | notInteresting), else NULL (0009). */
  reason: string | null;
}

/** Per app, tester, UTC day and build: the counts of the events in `usage_events`. Metrics read only these. */
export interface UsageDailyTable {
  app_id: string;
  tester_id: string;
  day: string;
  build: string;
  install_count: number;
  session_count: number;
  crash_count: number;
  feedback_count: number;
}

/** Per app, tester and UTC month (`YYYY-MM`): the sums of its daily rollups (builds together). */
export interface UsageMonthlyTable {
  app_id: string;
  tester_id: string;
  month: string;
  install_count: number;
  session_count: number;
  crash_count: number;
  feedback_count: number;
}

/** Per app, build number and UTC day: the sums of its daily rollups (testers together), what a build reads (0009). */
export interface UsageBuildDailyTable {
  app_id: string;
  build: string;
  day: string;
  install_count: number;
  session_count: number;
  crash_count: number;
  feedback_count: number;
}

/**
 * Per app, beta group and UTC day: the counts of the group's public-link events (0009). A decline counts in
 * `decline_count` and, when it gave a reason, in that reason's column too.
 */
export interface PublicLinkDailyTable {
  app_id: string;
  group_id: string;
  day: string;
  view_count: number;
  accept_count: number;
  decline_count: number;
  not_relevant_count: number;
  not_clear_count: number;
  not_interesting_count: number;
  criteria_not_met_count: number;
}

/**
 * Per app: raised by every transaction that changes what the app's metrics answer (events, installs), so an
 * answer kept with the version it was read at is known to be current while the version is the same.
 */
export interface AppDataVersionsTable {
  app_id: string;
  version: number;
  /** Raised with `version` but for usage alone: what a listing's kept total is kept at (0014). */
  listing_version: Defaulted<number>;
}

/** Per-app ingest keys: the SHA-256 of the key only; the key itself is shown once, at creation. */
export interface IngestKeysTable {
  id: string;
  app_id: string;
  key_hash: string;
  created_at: string;
  revoked_at: string | null;
}

/**
 * Per app, since the store began: events stored, events already stored (duplicates), events not stored because
 * they or their batch were refused, and the batches refused.
 */
export interface IngestStatsTable {
  app_id: string;
  accepted: number;
  duplicates: number;
  rejected: number;
  refused_batches: number;
}

/** Per app and reason (`<code> <field>`): how many events were refused for it, when last, and its last detail. */
export interface IngestRejectionsTable {
  app_id: string;
  reason: string;
  count: number;
  last_at: string;
  last_detail: string;
}
