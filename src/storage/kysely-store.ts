import type { Kysely } from 'kysely';
import type { ContentRecord } from '../domain/records/content.js';
import type { DashboardTokenRecord } from '../domain/records/dashboard-token.js';
import type { Refusal } from '../domain/records/ingestion-stats.js';
import type { ApiKeyRecord, IngestKeyRecord } from '../domain/records/keys.js';
import type { PoolStats } from '../domain/records/pool-stats.js';
import type { ReadCacheStats } from '../domain/records/read-cache-stats.js';
import type { AppendResult, UsageEventRecord } from '../domain/records/usage-event-record.js';
import type { BackendSpecifics } from './backend-specifics.js';
import type { KeptReads } from './kept-reads.js';
import type { ContentBytes } from './content-bytes.js';
import { groupCommit, type WriteTogether, writeAlone } from './group-commit.js';
import * as apiKeys from './queries/api-keys.js';
import * as appendUsage from './queries/append-usage.js';
import * as content from './queries/content.js';
import * as dashboardSessions from './queries/dashboard-sessions.js';
import * as ingestion from './queries/ingestion.js';
import * as rateLimits from './queries/rate-limits.js';
import * as submissionDeletes from './queries/submission-deletes.js';
import * as usageEvents from './queries/usage-events.js';
import type { Database } from './schema.js';
import type { SnapshotAdminStore } from './snapshot-admin-store.js';
import type { SnapshotReads } from './snapshot-store.js';
import type { Store } from './store.js';
import { KyselyDirectoryWriter } from './kysely-directory-writer.js';
import { KyselyStoreReader } from './kysely-store-reader.js';

/** How old bytes no row names must be before they are swept: far longer than any upload takes. */
const ORPHAN_AGE_MS = 3_600_000;

/** The Store over any Kysely backend; `specifics` answers what differs between backends. */
export class KyselyStore extends KyselyDirectoryWriter implements Store {
  /**
   * `snapshots`: the backend's named snapshots of the whole store (sqlite/snapshots.ts, postgres/snapshots.ts);
   * `contentBytes`: where it keeps the bytes of uploaded screenshots (sqlite/content-files.ts,
   * postgres/large-objects.ts); `snapshotDb`: where snapshot reads go, when not to `db` (a PostgreSQL read
   * replica).
   */
  constructor(
    db: Kysely<Database>,
    specifics: BackendSpecifics,
    private readonly snapshots: SnapshotAdminStore,
    contentBytes: ContentBytes,
    private readonly readPoolStats?: () => PoolStats,
    private readonly snapshotDb?: Kysely<Database>,
  ) {
    super(db, specifics, contentBytes);
  }

  poolStats = () => this.readPoolStats?.();

  /** Remembered by the guard openStore puts around this store (availability-guard.ts), which sees every failure. */
  unavailableRecently = (): string | undefined => undefined;

  /** Kept by the read caches openStore puts around this store (read-caches.ts). */
  readCaches = (): ReadCacheStats | undefined => undefined;

  /** Held by the read caches openStore puts around this store, as `readCaches`. */
  keptReads = (): KeptReads | undefined => undefined;

  /** Made by the read caches openStore puts around this store; at once without them (a bare store, in tests). */
  writesSeenEverywhere = async (): Promise<void> => {};

  snapshot<T>(read: (reader: SnapshotReads) => Promise<T>): Promise<T> {
    return this.specifics.readSnapshot(this.snapshotDb ?? this.db, (trx) =>
      read(new KyselyStoreReader(trx, this.specifics)),
    );
  }

  statement<T>(read: (reader: SnapshotReads) => Promise<T>): Promise<T> {
    return read(new KyselyStoreReader(this.snapshotDb ?? this.db, this.specifics));
  }

  appendUsageEvents(events: readonly UsageEventRecord[]): Promise<AppendResult> {
    if (events.length === 0) return Promise.resolve({ accepted: 0, duplicates: 0 });
    return this.specifics.groupCommit ? this.appendInGroup(events) : writeAlone(this.writeTogether, events);
  }

  private readonly writeTogether: WriteTogether = (batches) =>
    this.specifics.writeTransaction(this.db, (trx) =>
      appendUsage.appendUsageEventBatches(
        trx,
        batches,
        this.specifics.maxBoundParameters,
        this.specifics.rowsPerInsert,
      ),
    );
  private readonly appendInGroup = groupCommit(this.writeTogether);

  pruneUsageEvents = (before: string, limit: number) =>
    this.specifics.writeTransaction(this.db, (trx) => usageEvents.pruneUsageEvents(trx, before, limit));

  recordRefusal(appId: string, refusal: Refusal): Promise<void> {
    if (refusal.events === 0 && refusal.batches === 0 && refusal.reasons.length === 0)
      return Promise.resolve();
    return this.specifics.writeTransaction(this.db, async (trx) => {
      await ingestion.addIngestCounts(trx, appId, {
        accepted: 0,
        duplicates: 0,
        rejected: refusal.events,
        refused_batches: refusal.batches,
      });
      await ingestion.addRejections(trx, appId, refusal.reasons);
    });
  }

  createIngestKey = (key: IngestKeyRecord & { readonly keyHash: string }) =>
    this.translateConflicts(() => ingestion.insertIngestKey(this.db, key));
  revokeIngestKey = (id: string, at: string) => ingestion.revokeIngestKey(this.db, id, at);

  countRequests = (keyId: string, minute: number, windowMinutes: number, limit: number, requests: number) =>
    this.specifics.counterTransaction(this.db, (trx) =>
      rateLimits.countRequests(trx, keyId, minute, windowMinutes, limit, requests),
    );
  forgetRequestsBefore = (minute: number) => rateLimits.forgetRequestsBefore(this.db, minute);

  createApiKey = (key: ApiKeyRecord) => this.translateConflicts(() => apiKeys.insertApiKey(this.db, key));

  revokeApiKey = (keyId: string, at: string) => apiKeys.revokeApiKey(this.db, keyId, at);

  createDashboardLoginLink = (link: DashboardTokenRecord) =>
    this.specifics.writeTransaction(this.db, (trx) => dashboardSessions.insertLoginLink(trx, link));
  exchangeDashboardLoginLink = (linkHash: string, session: DashboardTokenRecord) =>
    this.specifics.writeTransaction(this.db, (trx) =>
      dashboardSessions.exchangeLoginLink(trx, linkHash, session),
    );
  endDashboardSession = (tokenHash: string) => dashboardSessions.endSession(this.db, tokenHash);

  async settingOrInsert(name: string, value: string): Promise<string> {
    await this.db
      .insertInto('settings')
      .values({ name, value })
      .onConflict((conflict) => conflict.column('name').doNothing())
      .execute();
    const stored = await this.setting(name);
    if (stored === undefined) throw new Error(`setting ${name} vanished after insert`);
    return stored;
  }

  async setSetting(name: string, value: string): Promise<void> {
    await this.db
      .insertInto('settings')
      .values({ name, value })
      .onConflict((conflict) => conflict.column('name').doUpdateSet({ value }))
      .execute();
  }

  putContent = (appId: string, record: ContentRecord, bytes: Uint8Array) =>
    this.contentBytes.put(this.db, appId, record, bytes);
  readContent = (appId: string, sha256: string) => this.contentBytes.read(this.db, appId, sha256);
  hasContent = (appId: string, sha256s: readonly string[]) => content.findContents(this.db, appId, sha256s);
  pruneFeedbackContent = (before: string, limit: number) =>
    this.writeReleasing(async (trx) => {
      const ids = await submissionDeletes.submissionIdsWhere(trx, { fromEventsBefore: before }, limit);
      const deleted = await submissionDeletes.deleteSubmissions(trx, ids, false);
      return { result: deleted.screenshots + deleted.crashes, released: deleted.released };
    });
  pruneUnnamedContent = async (uploadedBefore: string, limit: number) => {
    const pruned = await this.writeReleasing(async (trx) => {
      const released = await content.deleteUnnamedUploads(trx, uploadedBefore, limit);
      return { result: released.length, released };
    });
    // With it, what a crash left: bytes whose row never committed, an hour old at least (wall clock).
    await this.contentBytes.sweepOrphans(this.db, new Date(Date.now() - ORPHAN_AGE_MS));
    return pruned;
  };

  saveSnapshot: SnapshotAdminStore['saveSnapshot'] = (name, options) =>
    this.snapshots.saveSnapshot(name, options);
  restoreSnapshot = (name: string) => this.snapshots.restoreSnapshot(name);
  listSnapshots = () => this.snapshots.listSnapshots();
  deleteSnapshot = (name: string) => this.snapshots.deleteSnapshot(name);

  async close() {
    await this.snapshotDb?.destroy();
    await this.db.destroy();
  }
}
