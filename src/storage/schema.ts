import type { Generated } from 'kysely';

/** A column with a default (0008): inserts may leave it out, reads always have it. */
type Defaulted<T> = Generated<T>;

/**
 * The tables, as Kysely sees them. Instants are ISO 8601 strings in UTC with milliseconds
 * (`2023-10-05T12:00:00.000Z`) and days are `YYYY-MM-DD` (UTC), so both stores compare them as text and the
 * same queries run on each.
 */
export interface Database {
  apps: AppsTable;
  beta_testers: BetaTestersTable;
  app_testers: AppTestersTable;
  beta_groups: BetaGroupsTable;
  beta_group_testers: BetaGroupTestersTable;
  builds: BuildsTable;
  pre_release_versions: PreReleaseVersionsTable;
  build_beta_details: BuildBetaDetailsTable;
  beta_group_builds: BetaGroupBuildsTable;
  build_individual_testers: BuildIndividualTestersTable;
  beta_crash_logs: BetaCrashLogsTable;
  beta_feedback_screenshot_submissions: BetaFeedbackScreenshotSubmissionsTable;
  beta_feedback_crash_submissions: BetaFeedbackCrashSubmissionsTable;
  content_blobs: ContentBlobsTable;
  feedback_screenshot_contents: FeedbackScreenshotContentsTable;
  api_keys: ApiKeysTable;
  usage_events: UsageEventsTable;
  usage_daily: UsageDailyTable;
  usage_monthly: UsageMonthlyTable;
  public_link_daily: PublicLinkDailyTable;
  usage_build_daily: UsageBuildDailyTable;
  app_data_versions: AppDataVersionsTable;
  settings: SettingsTable;
  ingest_keys: IngestKeysTable;
  ingest_stats: IngestStatsTable;
  ingest_rejections: IngestRejectionsTable;
  rate_limit_counts: RateLimitCountsTable;
  dashboard_login_links: DashboardTokensTable;
  dashboard_sessions: DashboardTokensTable;
}

export interface AppsTable {
  id: string;
  name: string;
  bundle_id: string;
  sku: string;
  primary_locale: string;
  created_at: string;
  /** Apple's remaining App attributes (0008); booleans are 0/1. */
  accessibility_url: string | null;
  is_or_ever_was_made_for_kids: Defaulted<number>;
  subscription_status_url: string | null;
  subscription_status_url_version: string | null;
  subscription_status_url_for_sandbox: string | null;
  subscription_status_url_version_for_sandbox: string | null;
  content_rights_declaration: string | null;
  streamlined_purchasing_enabled: Defaulted<number>;
  /** 1 when an event naming a build the store does not know creates it; else such an event is refused. */
  allow_unknown_builds: Defaulted<number>;
}

export interface BetaTestersTable {
  id: string;
  email: string;
  /** The email lowercased: emails are unique without regard to case. */
  email_key: string;
  first_name: string | null;
  last_name: string | null;
  invite_type: string;
  created_at: string;
  /** JSON `[{model, platform, osVersion, appBuildVersion}]`, or NULL (0008). */
  app_devices: string | null;
}

/** Membership of a tester in an app, with the tester's state for that app. */
export interface AppTestersTable {
  app_id: string;
  tester_id: string;
  state: string;
  invited_at: string;
  /** When the tester first installed the app; testers with one appear in the app's metrics. */
  installed_at: string | null;
}

export interface BetaGroupsTable {
  id: string;
  app_id: string;
  name: string;
  /**
   * The name lowercased, unique per app (0010); NULL only for a group that shared its name with an older one
   * of its app before 0010.
   */
  name_key: string | null;
  /** 1 for an internal group, 0 for an external one. */
  is_internal: number;
  created_at: string;
  /** Apple's remaining BetaGroup attributes (0008); booleans are 0/1. */
  has_access_to_all_builds: Defaulted<number>;
  public_link_enabled: Defaulted<number>;
  public_link_id: string | null;
  public_link_limit_enabled: Defaulted<number>;
  public_link_limit: number | null;
  public_link: string | null;
  feedback_enabled: Defaulted<number>;
  ios_builds_available_for_apple_silicon_mac: Defaulted<number>;
  ios_builds_available_for_apple_vision: Defaulted<number>;
}

export interface BetaGroupTestersTable {
  group_id: string;
  tester_id: string;
}

export interface BuildsTable {
  id: string;
  app_id: string;
  /** The build number (CFBundleVersion), as events name the build they came from. */
  version: string;
  uploaded_at: string;
  /** Apple's remaining Build attributes and its pre-release version (0008). */
  pre_release_version_id: string | null;
  expiration_date: string | null;
  expired: Defaulted<number>;
  min_os_version: string | null;
  ls_minimum_system_version: string | null;
  computed_min_mac_os_version: string | null;
  computed_min_vision_os_version: string | null;
  /** JSON ImageAsset `{templateUrl, width, height}`, or NULL. */
  icon_asset_token: string | null;
  /** PROCESSING | FAILED | INVALID | VALID. */
  processing_state: Defaulted<string>;
  /** INTERNAL_ONLY | APP_STORE_ELIGIBLE, or NULL. */
  build_audience_type: string | null;
  /** 0/1, or NULL while not declared. */
  uses_non_exempt_encryption: number | null;
}

/** A version (CFBundleShortVersionString) of an app on one platform, which builds belong to (0008). */
export interface PreReleaseVersionsTable {
  id: string;
  app_id: string;
  version: string;
  /** IOS | MAC_OS | TV_OS | VISION_OS. */
  platform: string;
}

/** The TestFlight state of a build, one per build (0008). */
export interface BuildBetaDetailsTable {
  id: string;
  build_id: string;
  auto_notify_enabled: Defaulted<number>;
  internal_build_state: string;
  external_build_state: string;
}

/** The builds a beta group may test (0008). */
export interface BetaGroupBuildsTable {
  group_id: string;
  build_id: string;
}

/** Testers given a build individually, outside any group (0008). */
export interface BuildIndividualTestersTable {
  build_id: string;
  tester_id: string;
}

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

/** API keys: the public half only. The private key is handed to the operator once and never stored. */
export interface ApiKeysTable {
  key_id: string;
  name: string;
  role: string;
  /** `TEAM` (tokens carry `iss` = the issuer id) or `INDIVIDUAL` (tokens carry `sub` = "user"). */
  kind: string;
  /** SPKI PEM of the P-256 public key. */
  public_key: string;
  created_at: string;
  revoked_at: string | null;
  /** 1 for a key with the TESTING capability (faults on demand, the test controls), else 0 (0007). */
  testing: number;
}

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
  listing_version: Generated<number>;
}

export interface SettingsTable {
  name: string;
  value: string;
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

/** Requests per API key per minute (minutes since the epoch), for a rate limit shared by every node. */
export interface RateLimitCountsTable {
  key_id: string;
  minute: number;
  count: number;
}

/**
 * The dashboard's one-time login links and its sessions: the SHA-256 (hex) of each random token, never the
 * token, and when it stops being accepted.
 */
export interface DashboardTokensTable {
  token_hash: string;
  created_at: string;
  expires_at: string;
}
