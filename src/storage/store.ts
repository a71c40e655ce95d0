import type { CalendarDay } from '../domain/calendar-day.js';
import type { InviteType, TesterState } from '../domain/tester-state.js';
import type { UsageEvent } from '../domain/usage-event.js';
import type { UsageValues } from '../domain/usage-values.js';
import type { DashboardLogins, DashboardReads } from './dashboard-store.js';

/**
 * The one storage interface. One Kysely implementation (kysely-store.ts) serves every backend; what differs
 * between backends lives in `sqlite/` (and later `postgres/`) only.
 *
 * Conventions for every method:
 * - instants are ISO 8601 strings in UTC with milliseconds; days are `YYYY-MM-DD`, UTC;
 * - lists are ordered by id, ascending, compared as bytes (the order of the page's first example);
 * - a `window` reads either the rows after `afterId` (keyset paging) or the rows from `offset` on, at most
 *   `limit` of them;
 * - writes are committed before the promise resolves.
 */
export interface Store extends StoreReader, DashboardLogins {
  /**
   * Runs `read` against one consistent snapshot of the store, so the several reads of a page (total, rows,
   * values) agree with each other even while writes go on. With a PostgreSQL read replica configured, it reads
   * the replica (which may lag the primary by its replication delay); every other method uses the primary.
   */
  snapshot<T>(read: (reader: StoreReader) => Promise<T>): Promise<T>;

  /** Throws StoreConflictError when the id or the bundle id is taken. */
  createApp(app: AppRecord): Promise<void>;
  /**
   * Creates testers, all or none: throws StoreConflictError when an id or an email (in any case) is taken,
   * within the list or by a stored tester.
   */
  createTesters(testers: readonly TesterRecord[]): Promise<void>;
  /**
   * Adds testers to apps, all or none: throws StoreConflictError when a tester is already in the app, and
   * StoreReferenceError when an app or a tester does not exist.
   */
  addTestersToApps(memberships: readonly MembershipRecord[]): Promise<void>;
  createBuild(build: BuildRecord): Promise<void>;
  createBetaGroup(group: BetaGroupRecord, testerIds: readonly string[]): Promise<void>;

  /**
   * Stores usage events exactly once, by app and event id: ids already stored for the app (or repeated within
   * `events`) are duplicates and change nothing; another app may use the same id. In the same transaction, the rollups gain the new events' counts, every
   * tester with a new event becomes INSTALLED for the app (`installed_at` being their earliest event), and
   * each app's ingestion counters gain its accepted and duplicate events, and each app with a new event gets a
   * new data version (appDataVersion). The caller has validated the events
   * (apps and testers exist).
   */
  appendUsageEvents(events: readonly UsageEventRecord[]): Promise<AppendResult>;

  /** Deletes raw events that happened before `before`, at most `limit` of them; rollups are kept. */
  pruneUsageEvents(before: string, limit: number): Promise<number>;

  /**
   * Counts what ingestion refused for `appId`: `events` not stored, `batches` refused whole, and a reason for
   * each problem.
   */
  recordRefusal(appId: string, refusal: Refusal): Promise<void>;

  createIngestKey(key: IngestKeyRecord & { readonly keyHash: string }): Promise<void>;

  /**
   * Counts `requests` requests of `keyId` in `minute` (minutes since the epoch), as many as the key's budget
   * allows: `granted` of them, so that its requests over the `windowMinutes` minutes ending with `minute` do
   * not pass `limit`; `used` is that total, the granted ones included. Concurrent callers in one minute are
   * serialized by the database.
   */
  countRequests(
    keyId: string,
    minute: number,
    windowMinutes: number,
    limit: number,
    requests: number,
  ): Promise<{ granted: number; used: number }>;
  /** Deletes request counts of minutes before `minute`. */
  forgetRequestsBefore(minute: number): Promise<void>;
  revokeIngestKey(id: string, at: string): Promise<boolean>;

  createApiKey(key: ApiKeyRecord): Promise<void>;
  /** Marks the key revoked at `at`; false when there is no such key or it was already revoked. */
  revokeApiKey(keyId: string, at: string): Promise<boolean>;

  /** The stored value of `name`; when absent, stores `value` first. Safe against concurrent callers. */
  settingOrInsert(name: string, value: string): Promise<string>;
  setSetting(name: string, value: string): Promise<void>;

  /** Connections of this process's pool (PostgreSQL); undefined for the embedded store. */
  poolStats(): PoolStats | undefined;

  /**
   * Why the database could not serve a write of this store in the last few seconds (the cause of its
   * StoreUnavailableError), unless that same write method has succeeded since; undefined when none failed so.
   * A full disk or a read-only database still answers reads: this is how a read (GET /healthz) learns that
   * writes fail.
   */
  unavailableRecently(): string | undefined;

  close(): Promise<void>;
}

/** The methods of Store that write. */
type StoreWrite = Exclude<
  keyof Store,
  keyof StoreReader | 'snapshot' | 'poolStats' | 'unavailableRecently' | 'close'
>;

/**
 * The names of the methods of Store that write, whose failures Store.unavailableRecently remembers (reads
 * show their own). The compiler keeps the list complete: a new write method must be named here.
 */
export const STORE_WRITES: ReadonlySet<string> = new Set(
  Object.keys({
    createApp: true,
    createTesters: true,
    addTestersToApps: true,
    createBuild: true,
    createBetaGroup: true,
    appendUsageEvents: true,
    pruneUsageEvents: true,
    recordRefusal: true,
    createIngestKey: true,
    countRequests: true,
    forgetRequestsBefore: true,
    revokeIngestKey: true,
    createApiKey: true,
    revokeApiKey: true,
    settingOrInsert: true,
    setSetting: true,
    createDashboardLoginLink: true,
    exchangeDashboardLoginLink: true,
    endDashboardSession: true,
  } satisfies Record<StoreWrite, true>),
);

export interface PoolStats {
  readonly total: number;
  readonly idle: number;
  /** Queries waiting for a connection. */
  readonly waiting: number;
}

export interface StoreReader extends DashboardReads {
  findApp(id: string): Promise<AppRecord | undefined>;
  listApps(filter: AppFilter, window: RowWindow): Promise<AppRecord[]>;
  countApps(filter: AppFilter): Promise<number>;

  findTester(id: string): Promise<TesterWithStates | undefined>;
  listTesters(filter: TesterFilter, window: RowWindow): Promise<TesterWithStates[]>;
  countTesters(filter: TesterFilter): Promise<number>;

  /** Ids of the app's testers who have installed it (the testers its metrics list), ordered by id. */
  listInstalledTesterIds(appId: string, filter: InstalledTesterFilter, window: RowWindow): Promise<string[]>;
  /** How many testers listInstalledTesterIds would list in all. Reads the memberships, not the usage rows. */
  countInstalledTesters(appId: string, filter: InstalledTesterFilter): Promise<number>;
  /**
   * Usage of each of `testerIds` in `appId` over the UTC days `firstDay`..`lastDay`, both included. Testers
   * without usage in those days are absent from the map.
   */
  sumUsageByTester(
    appId: string,
    testerIds: readonly string[],
    firstDay: CalendarDay,
    lastDay: CalendarDay,
  ): Promise<Map<string, UsageValues>>;

  /**
   * The app's data version: a number raised by every committed write that changes what the app's metrics
   * answer (new events, testers added as installed), on every node sharing the store. Undefined when there is
   * no such app. Two reads that see the same version see the same metrics.
   */
  appDataVersion(appId: string): Promise<string | undefined>;

  /** An app's raw events in time order, after the event `after` (keyset on occurredAt, then id). */
  listUsageEvents(
    appId: string,
    after: EventPosition | undefined,
    limit: number,
  ): Promise<UsageEventRecord[]>;
  /** Which of `testerIds` are testers of `appId`, in any state. */
  testersOfApp(appId: string, testerIds: readonly string[]): Promise<Set<string>>;
  /** Per app: events accepted, duplicates and refused by ingestion since the store began, with reasons. */
  ingestStats(): Promise<AppIngestStats[]>;

  /** The key's requests over the `windowMinutes` minutes ending with `minute`. */
  requestsIn(keyId: string, minute: number, windowMinutes: number): Promise<number>;

  /** The ingest key whose SHA-256 is `keyHash`. */
  findIngestKeyByHash(keyHash: string): Promise<IngestKeyRecord | undefined>;
  listIngestKeys(appId?: string): Promise<IngestKeyRecord[]>;

  findApiKey(keyId: string): Promise<ApiKeyRecord | undefined>;
  listApiKeys(): Promise<ApiKeyRecord[]>;

  setting(name: string): Promise<string | undefined>;
}

export interface RowWindow {
  readonly afterId?: string;
  readonly offset?: number;
  readonly limit: number;
}

export interface AppRecord {
  readonly id: string;
  readonly name: string;
  readonly bundleId: string;
  readonly sku: string;
  readonly primaryLocale: string;
  readonly createdAt: string;
}

export interface AppFilter {
  readonly ids?: readonly string[];
  readonly bundleIds?: readonly string[];
}

export interface TesterRecord {
  readonly id: string;
  readonly email: string;
  readonly firstName: string | null;
  readonly lastName: string | null;
  readonly inviteType: InviteType;
  readonly createdAt: string;
}

export interface TesterWithStates extends TesterRecord {
  /** The tester's state in each app they belong to, ordered by app id. */
  readonly apps: ReadonlyArray<{ readonly appId: string; readonly state: TesterState }>;
}

export interface TesterFilter {
  /** Testers of any of these apps. */
  readonly appIds?: readonly string[];
  /** Testers with any of these emails, compared without regard to case. */
  readonly emails?: readonly string[];
  readonly ids?: readonly string[];
}

export interface InstalledTesterFilter {
  /** Only this tester (the `filter[betaTesters]` of the metrics endpoint). */
  readonly testerId?: string;
}

export interface MembershipRecord {
  readonly appId: string;
  readonly testerId: string;
  readonly state: TesterState;
  readonly invitedAt: string;
}

export interface BuildRecord {
  readonly id: string;
  readonly appId: string;
  readonly version: string;
  readonly uploadedAt: string;
}

export interface BetaGroupRecord {
  readonly id: string;
  readonly appId: string;
  readonly name: string;
  readonly isInternal: boolean;
  readonly createdAt: string;
}

/** A usage event as the store keeps it (see domain/usage-event.ts). */
export type UsageEventRecord = UsageEvent;

export interface AppendResult {
  readonly accepted: number;
  readonly duplicates: number;
}

/** Where an export stands: the last event written. */
export interface EventPosition {
  readonly occurredAt: string;
  readonly id: string;
}

export interface IngestKeyRecord {
  readonly id: string;
  readonly appId: string;
  readonly createdAt: string;
  readonly revokedAt: string | null;
}

/** One event refused by ingestion: `reason` groups like refusals (`<code> <field>`), `detail` says exactly why. */
export interface RejectionRecord {
  readonly reason: string;
  readonly detail: string;
  readonly at: string;
}

export interface Refusal {
  readonly events: number;
  readonly batches: number;
  readonly reasons: readonly RejectionRecord[];
}

export interface AppIngestStats {
  readonly appId: string;
  readonly accepted: number;
  readonly duplicates: number;
  /** Events not stored because they, or another event of their batch, broke a rule. */
  readonly rejected: number;
  /** Batches refused whole (HTTP ingestion is all or nothing). */
  readonly refusedBatches: number;
  /** Most frequent first. */
  readonly reasons: ReadonlyArray<{ reason: string; count: number; lastAt: string; lastDetail: string }>;
}

export type ApiKeyKind = 'TEAM' | 'INDIVIDUAL';

export interface ApiKeyRecord {
  readonly keyId: string;
  readonly name: string;
  readonly role: string;
  readonly kind: ApiKeyKind;
  /** SPKI PEM. */
  readonly publicKey: string;
  readonly createdAt: string;
  readonly revokedAt: string | null;
}

/** A unique constraint refused the write; `what` names it (`app id`, `bundle id`, `email`, ...). */
export class StoreConflictError extends Error {
  constructor(readonly what: string) {
    super(`${what} already exists`);
    this.name = 'StoreConflictError';
  }
}

/**
 * The database cannot serve now: it is down or out of reach, refuses connections, is read-only, out of disk or
 * timed out on a lock (BackendSpecifics.isUnavailable). Callers answer 503 and try again later.
 */
export class StoreUnavailableError extends Error {
  /**
   * What the database said, short and free of secrets: its code and the first line of its message
   * (`SQLITE_FULL: database or disk is full`, `3D000: database "x" does not exist`); see unavailableCause.
   */
  override readonly cause: string;

  constructor(cause = 'unknown') {
    super(`the database cannot serve now (${cause})`);
    this.name = 'StoreUnavailableError';
    this.cause = cause;
  }
}

/** The cause StoreUnavailableError carries: `code: first line of the message`, at most 200 characters. */
export function unavailableCause(error: unknown): string {
  if (error instanceof StoreUnavailableError) return error.cause;
  const { code, message } = (typeof error === 'object' && error !== null ? error : {}) as {
    code?: unknown;
    message?: unknown;
  };
  const firstLine = (typeof message === 'string' ? message : String(error)).split('\n')[0]?.trim() ?? '';
  const text = [typeof code === 'string' ? code : undefined, firstLine || undefined]
    .filter((part) => part !== undefined)
    .join(': ');
  // A driver's message may quote a connection string; never pass on its password.
  return (text || 'unknown').replace(/\/\/[^/@\s]*@/g, '//***@').slice(0, 200);
}

/** A write named a row that does not exist (an unknown app or tester). */
export class StoreReferenceError extends Error {
  constructor(readonly what: string) {
    super(`${what} does not exist`);
    this.name = 'StoreReferenceError';
  }
}
