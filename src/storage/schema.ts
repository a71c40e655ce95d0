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
  api_keys: ApiKeysTable;
  usage_events: UsageEventsTable;
  usage_daily: UsageDailyTable;
  usage_monthly: UsageMonthlyTable;
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
  /** 1 for an internal group, 0 for an external one. */
  is_internal: number;
  created_at: string;
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

/**
 * Per app: raised by every transaction that changes what the app's metrics answer (events, installs), so an
 * answer kept with the version it was read at is known to be current while the version is the same.
 */
export interface AppDataVersionsTable {
  app_id: string;
  version: number;
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
