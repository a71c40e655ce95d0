import type { Generated } from 'kysely';
import type {
  BetaCrashLogsTable,
  BetaFeedbackScreenshotSubmissionsTable,
  BetaFeedbackCrashSubmissionsTable,
  ContentBlobsTable,
  FeedbackScreenshotContentsTable,
} from './schema-feedback.js';
import type {
  UsageEventsTable,
  UsageDailyTable,
  UsageMonthlyTable,
  UsageBuildDailyTable,
  PublicLinkDailyTable,
  AppDataVersionsTable,
  IngestKeysTable,
  IngestStatsTable,
  IngestRejectionsTable,
} from './schema-usage.js';

/** A column with a default (0008): inserts may leave it out, reads always have it. */
export type Defaulted<T> = Generated<T>;

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

export interface SettingsTable {
  name: string;
  value: string;
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
