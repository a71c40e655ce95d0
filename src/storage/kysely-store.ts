import type { Kysely } from 'kysely';
import type { AppChanges, AppFilter, NewAppRecord } from '../domain/records/app.js';
import type { BetaGroupChanges, NewBetaGroupRecord } from '../domain/records/beta-group.js';
import type { BuildBetaDetailRecord, BuildChanges, NewBuildRecord } from '../domain/records/build.js';
import type {
  CrashFeedbackRecord,
  CrashLogRecord,
  ScreenshotFeedbackRecord,
} from '../domain/records/feedback.js';
import type { PreReleaseVersionRecord } from '../domain/records/pre-release-version.js';
import type { DashboardTokenRecord } from '../domain/records/dashboard-token.js';
import type { Refusal } from '../domain/records/ingestion-stats.js';
import type { ApiKeyRecord, IngestKeyRecord } from '../domain/records/keys.js';
import type { PoolStats } from '../domain/records/pool-stats.js';
import type {
  MembershipRecord,
  TesterChanges,
  TesterFilter,
  TesterRecord,
} from '../domain/records/tester.js';
import type { AppendResult, EventPosition, UsageEventRecord } from '../domain/records/usage-event-record.js';
import type { RowWindow } from '../domain/row-window.js';
import { StoreConflictError, StoreReferenceError } from '../domain/store-problems.js';
import type { BackendSpecifics } from './backend-specifics.js';
import type { TesterSearch, TesterUsageQuery } from './dashboard-store.js';
import { groupCommit, type WriteTogether, writeAlone } from './group-commit.js';
import * as apiKeys from './queries/api-keys.js';
import * as appendUsage from './queries/append-usage.js';
import * as apps from './queries/apps.js';
import * as betaGroupSummaries from './queries/beta-group-summaries.js';
import * as buildUsage from './queries/build-usage.js';
import * as betaGroups from './queries/beta-groups.js';
import * as builds from './queries/builds.js';
import * as dashboardSessions from './queries/dashboard-sessions.js';
import * as dashboard from './queries/dashboard.js';
import * as dataVersions from './queries/data-versions.js';
import * as feedback from './queries/feedback.js';
import * as ingestion from './queries/ingestion.js';
import * as preReleaseVersions from './queries/pre-release-versions.js';
import * as rateLimits from './queries/rate-limits.js';
import * as siblingUsage from './queries/sibling-usage.js';
import * as testerUsage from './queries/tester-usage.js';
import * as testers from './queries/testers.js';
import * as usageEvents from './queries/usage-events.js';
import * as usage from './queries/usage.js';
import type { Database } from './schema.js';
import type { SnapshotAdminStore } from './snapshot-admin-store.js';
import * as resourceReads from './queries/resource-reads.js';
import type { ResourceKind, ResourceQuery } from './resource-reads.js';
import type { SnapshotReads } from './snapshot-store.js';
import type { Store, StoreReader } from './store.js';
import type { InstalledTesterFilter } from './usage-store.js';

/** Reads, on the database itself or inside a snapshot transaction. */
class KyselyStoreReader implements StoreReader {
  constructor(protected readonly db: Kysely<Database>) {}

  findApp = (id: string) => apps.findApp(this.db, id);
  listApps = (filter: AppFilter, window: RowWindow) => apps.listApps(this.db, filter, window);
  countApps = (filter: AppFilter) => apps.countApps(this.db, filter);

  findTester = (id: string) => testers.findTester(this.db, id);
  listTesters = (filter: TesterFilter, window: RowWindow) => testers.listTesters(this.db, filter, window);
  countTesters = (filter: TesterFilter) => testers.countTesters(this.db, filter);

  listInstalledTesterIds = (appId: string, filter: InstalledTesterFilter, window: RowWindow) =>
    usage.listInstalledTesterIds(this.db, appId, filter, window);
  countInstalledTesters = (appId: string, filter: InstalledTesterFilter) =>
    usage.countInstalledTesters(this.db, appId, filter);
  sumUsageByTester = (appId: string, testerIds: readonly string[], firstDay: string, lastDay: string) =>
    usage.sumUsageByTester(this.db, appId, testerIds, firstDay, lastDay);
  appDataVersion = (appId: string) => dataVersions.appDataVersion(this.db, appId);
  groupDataVersion = (groupId: string) => siblingUsage.groupDataVersion(this.db, groupId);
  buildDataVersion = (buildId: string) => siblingUsage.buildDataVersion(this.db, buildId);
  testerAppDataVersions = (testerId: string, appIds: readonly string[]) =>
    siblingUsage.testerAppDataVersions(this.db, testerId, appIds);
  listInstalledAppIds = (testerId: string, appIds: readonly string[], window: RowWindow) =>
    siblingUsage.listInstalledAppIds(this.db, testerId, appIds, window);
  countInstalledApps = (testerId: string, appIds: readonly string[]) =>
    siblingUsage.countInstalledApps(this.db, testerId, appIds);
  sumUsageByApp = (testerId: string, appIds: readonly string[], firstDay: string, lastDay: string) =>
    siblingUsage.sumUsageByApp(this.db, testerId, appIds, firstDay, lastDay);
  sumBuildUsage = (
    build: { readonly buildId: string; readonly appId: string; readonly buildNumber: string },
    firstDay: string,
    lastDay: string,
  ) => siblingUsage.sumBuildUsage(this.db, build, firstDay, lastDay);
  sumPublicLinkUsage = (appId: string, groupId: string, firstDay: string, lastDay: string) =>
    siblingUsage.sumPublicLinkUsage(this.db, appId, groupId, firstDay, lastDay);

  countResources = (query: ResourceQuery) => resourceReads.countResources(this.db, query);
  listResources = (query: ResourceQuery, window: { offset: number; limit: number }) =>
    resourceReads.listResources(this.db, query, window);
  findResources = (kind: ResourceKind, ids: readonly string[]) =>
    resourceReads.findResources(this.db, kind, ids);
  linkages = (kind: ResourceKind, relationship: string, ids: readonly string[], limit?: number) =>
    resourceReads.linkages(this.db, kind, relationship, ids, limit);

  findPreReleaseVersion = (id: string) => preReleaseVersions.findPreReleaseVersion(this.db, id);
  listPreReleaseVersions = (appId: string, window: RowWindow) =>
    preReleaseVersions.listPreReleaseVersions(this.db, appId, window);
  findBuild = (id: string) => builds.findBuild(this.db, id);
  listBuilds = (appId: string, window: RowWindow) => builds.listBuilds(this.db, appId, window);
  knownBuildVersions = (appId: string, versions: readonly string[]) =>
    builds.knownBuildVersions(this.db, appId, versions);
  findBetaGroup = (id: string) => betaGroups.findBetaGroup(this.db, id);
  listBetaGroups = (appId: string, window: RowWindow) => betaGroups.listBetaGroups(this.db, appId, window);
  findScreenshotFeedback = (id: string) => feedback.findScreenshotFeedback(this.db, id);
  listScreenshotFeedback = (appId: string, window: RowWindow) =>
    feedback.listScreenshotFeedback(this.db, appId, window);
  findCrashFeedback = (id: string) => feedback.findCrashFeedback(this.db, id);
  listCrashFeedback = (appId: string, window: RowWindow) =>
    feedback.listCrashFeedback(this.db, appId, window);

  listUsageEvents = (appId: string, after: EventPosition | undefined, limit: number) =>
    usageEvents.listUsageEvents(this.db, appId, after, limit);
  testersOfApp = (appId: string, testerIds: readonly string[]) =>
    ingestion.testersOfApp(this.db, appId, testerIds);
  betaGroupsOfApp = (appId: string, groupIds: readonly string[]) =>
    ingestion.betaGroupsOfApp(this.db, appId, groupIds);
  ingestStats = () => ingestion.readIngestStats(this.db);
  requestsIn = (keyId: string, minute: number, windowMinutes: number) =>
    rateLimits.requestsIn(this.db, keyId, minute, windowMinutes);
  findIngestKeyByHash = (keyHash: string) => ingestion.findIngestKeyByHash(this.db, keyHash);
  listIngestKeys = (appId?: string) => ingestion.listIngestKeys(this.db, appId);

  findApiKey = (keyId: string) => apiKeys.findApiKey(this.db, keyId);
  listApiKeys = () => apiKeys.listApiKeys(this.db);

  findDashboardSession = (tokenHash: string, at: string) =>
    dashboardSessions.findSession(this.db, tokenHash, at);
  listAppsWithTesterCounts = () => dashboard.listAppsWithTesterCounts(this.db);
  sumAppUsage = (appId: string, firstDay: string, lastDay: string) =>
    dashboard.sumAppUsage(this.db, appId, firstDay, lastDay);
  dailyUsage = (appId: string, firstDay: string, lastDay: string, testerId?: string) =>
    dashboard.dailyUsage(this.db, appId, firstDay, lastDay, testerId);
  listTesterUsage = (appId: string, query: TesterUsageQuery) =>
    testerUsage.listTesterUsage(this.db, appId, query);
  countAppTesters = (appId: string, filter: TesterSearch) =>
    testerUsage.countAppTesters(this.db, appId, filter);
  listBuildUsage = (appId: string, firstDay: string, lastDay: string) =>
    buildUsage.listBuildUsage(this.db, appId, firstDay, lastDay);
  listBetaGroupSummaries = (appId: string) => betaGroupSummaries.listBetaGroupSummaries(this.db, appId);
  findBetaGroupSummary = async (appId: string, groupId: string) =>
    (await betaGroupSummaries.listBetaGroupSummaries(this.db, appId, groupId))[0];

  async setting(name: string): Promise<string | undefined> {
    const row = await this.db
      .selectFrom('settings')
      .select('value')
      .where('name', '=', name)
      .executeTakeFirst();
    return row?.value;
  }
}

/** The Store over any Kysely backend; `specifics` answers what differs between backends. */
export class KyselyStore extends KyselyStoreReader implements Store {
  /**
   * `snapshots`: the backend's named snapshots of the whole store (sqlite/snapshots.ts, postgres/snapshots.ts);
   * `snapshotDb`: where snapshot reads go, when not to `db` (a PostgreSQL read replica).
   */
  constructor(
    db: Kysely<Database>,
    private readonly specifics: BackendSpecifics,
    private readonly snapshots: SnapshotAdminStore,
    private readonly readPoolStats?: () => PoolStats,
    private readonly snapshotDb?: Kysely<Database>,
  ) {
    super(db);
  }

  poolStats = () => this.readPoolStats?.();

  /** Remembered by the guard openStore puts around this store (open-store.ts), which sees every failure. */
  unavailableRecently = (): string | undefined => undefined;

  snapshot<T>(read: (reader: SnapshotReads) => Promise<T>): Promise<T> {
    return this.specifics.readSnapshot(this.snapshotDb ?? this.db, (trx) => read(new KyselyStoreReader(trx)));
  }

  createApp = (app: NewAppRecord) => this.translateConflicts(() => apps.insertApp(this.db, app));

  async updateApp(id: string, changes: AppChanges): Promise<void> {
    if (!(await apps.updateApp(this.db, id, changes))) throw new StoreReferenceError(`app ${id}`);
  }

  async updateTester(id: string, changes: TesterChanges): Promise<void> {
    if (!(await testers.updateTester(this.db, id, changes))) throw new StoreReferenceError(`tester ${id}`);
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
        if (app !== undefined) throw new StoreReferenceError(`app ${app}`);
        const tester = await testers.firstMissing(
          trx,
          'beta_testers',
          memberships.map((m) => m.testerId),
        );
        if (tester !== undefined) throw new StoreReferenceError(`tester ${tester}`);
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

  createScreenshotFeedback = (submission: ScreenshotFeedbackRecord) =>
    this.write((trx) => feedback.insertScreenshotFeedback(trx, submission));
  createCrashFeedback = (submission: CrashFeedbackRecord, crashLog?: CrashLogRecord) =>
    this.write((trx) => feedback.insertCrashFeedback(trx, submission, crashLog));

  appendUsageEvents(events: readonly UsageEventRecord[]): Promise<AppendResult> {
    if (events.length === 0) return Promise.resolve({ accepted: 0, duplicates: 0 });
    return this.specifics.groupCommit ? this.appendInGroup(events) : writeAlone(this.writeTogether, events);
  }

  private readonly writeTogether: WriteTogether = (batches) =>
    this.specifics.writeTransaction(this.db, (trx) =>
      appendUsage.appendUsageEventBatches(trx, batches, this.specifics.maxBoundParameters),
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

  saveSnapshot: SnapshotAdminStore['saveSnapshot'] = (name, options) =>
    this.snapshots.saveSnapshot(name, options);
  restoreSnapshot = (name: string) => this.snapshots.restoreSnapshot(name);
  listSnapshots = () => this.snapshots.listSnapshots();
  deleteSnapshot = (name: string) => this.snapshots.deleteSnapshot(name);

  async close() {
    await this.snapshotDb?.destroy();
    await this.db.destroy();
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

/** What a user calls the thing a unique constraint protects. */
const CONFLICT_NAMES: Record<string, string> = {
  'apps.id': 'an app with this id',
  'apps.bundle_id': 'an app with this bundle id',
  'beta_testers.id': 'a tester with this id',
  'beta_testers.email_key': 'a tester with this email',
  'app_testers.app_id': 'this tester in this app',
  'builds.id': 'a build with this id',
  'builds.app_id': 'a build with this version in this app',
  'beta_groups.id': 'a beta group with this id',
  'beta_group_testers.group_id': 'this tester in this beta group',
  'beta_group_builds.group_id': 'this build in this beta group',
  'pre_release_versions.id': 'a pre-release version with this id',
  'pre_release_versions.app_id': 'a pre-release version with this version and platform in this app',
  'build_beta_details.id': 'a build with this id',
  'build_beta_details.build_id': 'a build with this id',
  'build_individual_testers.build_id': 'this tester on this build',
  'beta_crash_logs.id': 'a crash log with this id',
  'beta_feedback_screenshot_submissions.id': 'a screenshot feedback submission with this id',
  'beta_feedback_crash_submissions.id': 'a crash feedback submission with this id',
  'api_keys.key_id': 'an API key with this key id',
};
