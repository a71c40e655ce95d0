import type { Kysely } from 'kysely';
import type { AppChanges, NewAppRecord } from '../domain/records/app.js';
import type { BetaAccess, TesterJoiningApp } from '../domain/records/beta-access.js';
import type { BetaGroupChanges, NewBetaGroupRecord } from '../domain/records/beta-group.js';
import type { BuildBetaDetailRecord, BuildChanges, NewBuildRecord } from '../domain/records/build.js';
import type {
  CrashFeedbackRecord,
  CrashLogRecord,
  ScreenshotFeedbackRecord,
} from '../domain/records/feedback.js';
import type { PreReleaseVersionRecord } from '../domain/records/pre-release-version.js';
import type { ContentRecord } from '../domain/records/content.js';
import type { DashboardTokenRecord } from '../domain/records/dashboard-token.js';
import type { Refusal } from '../domain/records/ingestion-stats.js';
import type { ApiKeyRecord, IngestKeyRecord } from '../domain/records/keys.js';
import type { PoolStats } from '../domain/records/pool-stats.js';
import type { ReadCacheStats } from '../domain/records/read-cache-stats.js';
import type { MembershipRecord, TesterChanges, TesterRecord } from '../domain/records/tester.js';
import type { AppendResult, UsageEventRecord } from '../domain/records/usage-event-record.js';
import { StoreConflictError, StoreReferenceError } from '../domain/store-problems.js';
import type { BackendSpecifics } from './backend-specifics.js';
import type { ContentBytes, ReleasedBlob } from './content-bytes.js';
import { CONFLICT_NAMES } from './conflict-names.js';
import { groupCommit, type WriteTogether, writeAlone } from './group-commit.js';
import * as apiKeys from './queries/api-keys.js';
import * as appendUsage from './queries/append-usage.js';
import * as apps from './queries/apps.js';
import * as betaGroups from './queries/beta-groups.js';
import * as builds from './queries/builds.js';
import * as content from './queries/content.js';
import * as dashboardSessions from './queries/dashboard-sessions.js';
import * as dataVersions from './queries/data-versions.js';
import * as feedback from './queries/feedback.js';
import * as groupLinks from './queries/group-links.js';
import * as ingestion from './queries/ingestion.js';
import * as preReleaseVersions from './queries/pre-release-versions.js';
import * as rateLimits from './queries/rate-limits.js';
import * as submissionDeletes from './queries/submission-deletes.js';
import * as testerMemberships from './queries/tester-memberships.js';
import * as testers from './queries/testers.js';
import * as usageEvents from './queries/usage-events.js';
import type { Database } from './schema.js';
import type { SnapshotAdminStore } from './snapshot-admin-store.js';
import type { SnapshotReads } from './snapshot-store.js';
import type { Store } from './store.js';
import { KyselyStoreReader } from './kysely-store-reader.js';

/** The Store over any Kysely backend; `specifics` answers what differs between backends. */
/** How old bytes no row names must be before they are swept: far longer than any upload takes. */
const ORPHAN_AGE_MS = 3_600_000;

export class KyselyStore extends KyselyStoreReader implements Store {
  /**
   * `snapshots`: the backend's named snapshots of the whole store (sqlite/snapshots.ts, postgres/snapshots.ts);
   * `contentBytes`: where it keeps the bytes of uploaded screenshots (sqlite/content-files.ts,
   * postgres/large-objects.ts); `snapshotDb`: where snapshot reads go, when not to `db` (a PostgreSQL read
   * replica).
   */
  constructor(
    db: Kysely<Database>,
    private readonly specifics: BackendSpecifics,
    private readonly snapshots: SnapshotAdminStore,
    private readonly contentBytes: ContentBytes,
    private readonly readPoolStats?: () => PoolStats,
    private readonly snapshotDb?: Kysely<Database>,
  ) {
    super(db, specifics);
  }

  poolStats = () => this.readPoolStats?.();

  /** Remembered by the guard openStore puts around this store (availability-guard.ts), which sees every failure. */
  unavailableRecently = (): string | undefined => undefined;

  /** Kept by the read caches openStore puts around this store (read-caches.ts). */
  readCaches = (): ReadCacheStats | undefined => undefined;

  snapshot<T>(read: (reader: SnapshotReads) => Promise<T>): Promise<T> {
    return this.specifics.readSnapshot(this.snapshotDb ?? this.db, (trx) =>
      read(new KyselyStoreReader(trx, this.specifics)),
    );
  }

  statement<T>(read: (reader: SnapshotReads) => Promise<T>): Promise<T> {
    return read(new KyselyStoreReader(this.snapshotDb ?? this.db, this.specifics));
  }

  createApp = (app: NewAppRecord) => this.translateConflicts(() => apps.insertApp(this.db, app));

  updateApp = (id: string, changes: AppChanges) =>
    this.write(async (trx) => {
      if (!(await apps.updateApp(trx, id, changes)))
        throw new StoreReferenceError(`app ${id}`, { kind: 'app', id });
      await dataVersions.raiseDataVersions(trx, [id]);
    });

  async updateTester(id: string, changes: TesterChanges): Promise<void> {
    if (!(await testers.updateTester(this.db, id, changes)))
      throw new StoreReferenceError(`tester ${id}`, { kind: 'tester', id });
  }

  createTesters(list: readonly TesterRecord[]): Promise<void> {
    if (list.length === 0) return Promise.resolve();
    return this.translateConflicts(() =>
      this.specifics.writeTransaction(this.db, (trx) =>
        testers.insertTesters(trx, list, this.specifics.maxBoundParameters),
      ),
    );
  }

  addTestersToApps(memberships: readonly MembershipRecord[]): Promise<void> {
    if (memberships.length === 0) return Promise.resolve();
    return this.translateConflicts(() =>
      this.specifics.writeTransaction(this.db, async (trx) => {
        const app = await testers.firstMissing(
          trx,
          'apps',
          memberships.map((m) => m.appId),
        );
        if (app !== undefined) throw new StoreReferenceError(`app ${app}`, { kind: 'app', id: app });
        const tester = await testers.firstMissing(
          trx,
          'beta_testers',
          memberships.map((m) => m.testerId),
        );
        if (tester !== undefined)
          throw new StoreReferenceError(`tester ${tester}`, { kind: 'tester', id: tester });
        await testers.insertMemberships(trx, memberships, this.specifics.maxBoundParameters);
        // A tester added as INSTALLED appears in the app's metrics at once.
        await dataVersions.raiseDataVersions(
          trx,
          memberships.filter((m) => m.state === 'INSTALLED').map((m) => m.appId),
        );
      }),
    );
  }

  createPreReleaseVersion = (version: PreReleaseVersionRecord) =>
    this.write((trx) => preReleaseVersions.insertPreReleaseVersion(trx, version));

  createBuild = (build: NewBuildRecord, extras: builds.BuildExtras = {}) =>
    this.write((trx) => builds.insertBuild(trx, build, extras, this.specifics.maxBoundParameters));
  updateBuild = (id: string, changes: BuildChanges, betaDetail?: Partial<BuildBetaDetailRecord>) =>
    this.write((trx) => builds.updateBuild(trx, id, changes, betaDetail));
  addIndividualTesters = (buildId: string, testerIds: readonly string[]) =>
    this.write((trx) =>
      builds.addIndividualTesters(trx, buildId, testerIds, this.specifics.maxBoundParameters),
    );

  createBetaGroup = (
    group: NewBetaGroupRecord,
    testerIds: readonly string[],
    buildIds: readonly string[] = [],
  ) =>
    this.write((trx) =>
      betaGroups.insertBetaGroup(trx, group, { testerIds, buildIds }, this.specifics.maxBoundParameters),
    );
  updateBetaGroup = (id: string, changes: BetaGroupChanges) =>
    this.write((trx) => betaGroups.updateBetaGroup(trx, id, changes));
  addToBetaGroup = (groupId: string, members: betaGroups.GroupMembers) =>
    this.write((trx) => betaGroups.addToBetaGroup(trx, groupId, members, this.specifics.maxBoundParameters));
  deleteBetaGroup = (id: string) => this.write((trx) => betaGroups.deleteBetaGroup(trx, id));

  grantBetaAccess = (access: BetaAccess, invitedAt?: string) =>
    this.write((trx) =>
      groupLinks.grantBetaAccess(trx, access, invitedAt, this.specifics.maxBoundParameters),
    );
  withdrawBetaAccess = (access: BetaAccess) =>
    this.write((trx) => groupLinks.withdrawBetaAccess(trx, access, this.specifics.maxBoundParameters));

  addTesterToApp = (input: TesterJoiningApp) =>
    this.write((trx) => testerMemberships.addTesterToApp(trx, input, this.specifics.maxBoundParameters));
  reinviteTester = (appId: string, testerId: string, invitedAt: string) =>
    this.write((trx) => testerMemberships.reinviteTester(trx, appId, testerId, invitedAt));
  removeTestersFromApps = (memberships: ReadonlyArray<{ appId: string; testerId: string }>) =>
    this.write((trx) =>
      testerMemberships.removeTestersFromApps(trx, memberships, this.specifics.maxBoundParameters),
    );
  deleteTester = (id: string) =>
    this.writeReleasing(async (trx) => ({
      result: undefined,
      released: await testerMemberships.deleteTester(trx, id),
    }));

  createScreenshotFeedback = (submission: ScreenshotFeedbackRecord) =>
    this.write((trx) => feedback.insertScreenshotFeedback(trx, submission));
  createCrashFeedback = (submission: CrashFeedbackRecord, crashLog?: CrashLogRecord) =>
    this.write((trx) => feedback.insertCrashFeedback(trx, submission, crashLog));
  deleteScreenshotFeedback = (id: string) =>
    this.writeReleasing(async (trx) => ({
      result: undefined,
      released: await feedback.deleteScreenshotFeedback(trx, id),
    }));
  deleteCrashFeedback = (id: string) => this.write((trx) => feedback.deleteCrashFeedback(trx, id));

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

  /**
   * One write transaction that may delete blobs of content: `body` says which (`released`); their bytes go in
   * the transaction or once it committed, as the backend keeps them (content-bytes.ts).
   */
  private async writeReleasing<T>(
    body: (trx: Kysely<Database>) => Promise<{ result: T; released: readonly ReleasedBlob[] }>,
  ): Promise<T> {
    const { result, released } = await this.write(async (trx) => {
      const done = await body(trx);
      await this.contentBytes.releaseInTransaction(trx, done.released);
      return done;
    });
    await this.contentBytes.releaseAfterCommit(this.db, released);
    return result;
  }

  /** One write transaction, its unique violations as StoreConflictError. */
  private write<T>(body: (trx: Kysely<Database>) => Promise<T>): Promise<T> {
    return this.translateConflicts(() => this.specifics.writeTransaction(this.db, body));
  }

  private async translateConflicts<T>(write: () => Promise<T>): Promise<T> {
    try {
      return await write();
    } catch (error) {
      const constraint = this.specifics.uniqueViolation(error);
      if (constraint !== undefined) throw new StoreConflictError(CONFLICT_NAMES[constraint] ?? constraint);
      throw error;
    }
  }
}
