import type { ContentStore } from './content-store.js';
import type { DashboardReads, DashboardSessionReads, DashboardStore } from './dashboard-store.js';
import type { DirectoryReads, DirectoryStore } from './directory-store.js';
import type { HealthStore } from './health-store.js';
import type { KeptReads } from './kept-reads.js';
import type { IngestionStatsReads, IngestionStatsStore } from './ingestion-stats-store.js';
import type { KeyReads, KeyStore } from './key-store.js';
import type { ResourceReads } from './resource-reads.js';
import type { RateLimitReads, RateLimitStore } from './rate-limit-store.js';
import type { SettingsReads, SettingsStore } from './settings-store.js';
import type { SnapshotAdminStore } from './snapshot-admin-store.js';
import type { SnapshotReads, SnapshotStore } from './snapshot-store.js';
import type { UsageReads, UsageStore } from './usage-store.js';

/**
 * The whole store: every narrow interface of this folder at once, for the composition root (which hands each
 * service the slices it uses) and the one Kysely implementation (kysely-store.ts) that serves every backend;
 * what differs between backends lives in `sqlite/` and `postgres/` only.
 *
 * Conventions for every method of every store interface:
 * - instants are ISO 8601 strings in UTC with milliseconds; days are `YYYY-MM-DD`, UTC;
 * - lists are ordered by id, ascending, compared as bytes (the order of the page's first example);
 * - a `window` reads either the rows after `afterId` (keyset paging) or the rows from `offset` on, at most
 *   `limit` of them;
 * - writes are committed before the promise resolves.
 */
export interface Store
  extends DirectoryStore,
    UsageStore,
    IngestionStatsStore,
    KeyStore,
    RateLimitStore,
    SettingsStore,
    DashboardStore,
    HealthStore,
    SnapshotStore<SnapshotReads>,
    SnapshotAdminStore,
    ContentStore {
  /** What the read caches hold, read without waiting (kept-reads.ts); undefined for a store without them. */
  keptReads(): KeptReads | undefined;
  /**
   * Resolves once every node answers with the writes this process has made (read-caches.ts): a write is
   * acknowledged after it, never before. At once for a store without read caches.
   */
  writesSeenEverywhere(): Promise<void>;
  close(): Promise<void>;
}

/** Every read of the store: what a snapshot transaction can serve, and what is not a write. */
export interface StoreReader
  extends DirectoryReads,
    ResourceReads,
    UsageReads,
    IngestionStatsReads,
    RateLimitReads,
    KeyReads,
    SettingsReads,
    DashboardReads,
    DashboardSessionReads {}

/** The methods of Store that write. */
export type StoreWrite = Exclude<
  keyof Store,
  | keyof StoreReader
  | 'snapshot'
  | 'statement'
  | 'listSnapshots'
  | 'poolStats'
  | 'unavailableRecently'
  | 'readCaches'
  | 'keptReads'
  | 'writesSeenEverywhere'
  | 'close'
  | 'readContent'
  | 'hasContent'
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
    updateApp: true,
    updateTester: true,
    createPreReleaseVersion: true,
    createBuild: true,
    updateBuild: true,
    addIndividualTesters: true,
    createBetaGroup: true,
    updateBetaGroup: true,
    addToBetaGroup: true,
    deleteBetaGroup: true,
    grantBetaAccess: true,
    withdrawBetaAccess: true,
    addTesterToApp: true,
    reinviteTester: true,
    removeTestersFromApps: true,
    deleteTester: true,
    deleteScreenshotFeedback: true,
    deleteCrashFeedback: true,
    createScreenshotFeedback: true,
    createCrashFeedback: true,
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
    saveSnapshot: true,
    restoreSnapshot: true,
    deleteSnapshot: true,
    putContent: true,
    pruneUnnamedContent: true,
    pruneFeedbackContent: true,
  } satisfies Record<StoreWrite, true>),
);
