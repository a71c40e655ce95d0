import type { Kysely } from 'kysely';
import type { AppFilter } from '../domain/records/app.js';
import type { FeedbackInboxQuery } from '../domain/records/feedback-inbox.js';
import type { TesterFilter } from '../domain/records/tester.js';
import type { EventPosition } from '../domain/records/usage-event-record.js';
import type { RowWindow } from '../domain/row-window.js';
import type { TesterSearch, TesterUsageQuery } from './dashboard-store.js';
import * as apiKeys from './queries/api-keys.js';
import * as apps from './queries/apps.js';
import * as betaGroupSummaries from './queries/beta-group-summaries.js';
import * as buildUsage from './queries/build-usage.js';
import * as betaGroups from './queries/beta-groups.js';
import * as builds from './queries/builds.js';
import * as dashboardSessions from './queries/dashboard-sessions.js';
import * as dashboard from './queries/dashboard.js';
import * as dataVersions from './queries/data-versions.js';
import * as feedback from './queries/feedback.js';
import * as feedbackInbox from './queries/feedback-inbox.js';
import * as ingestion from './queries/ingestion.js';
import * as preReleaseVersions from './queries/pre-release-versions.js';
import * as publicLinkLimits from './queries/public-link-limits.js';
import * as rateLimits from './queries/rate-limits.js';
import * as siblingUsage from './queries/sibling-usage.js';
import * as testerUsage from './queries/tester-usage.js';
import * as testers from './queries/testers.js';
import * as usageEvents from './queries/usage-events.js';
import * as usage from './queries/usage.js';
import type { BackendSpecifics } from './backend-specifics.js';
import type { Database } from './schema.js';
import * as resourceReads from './queries/resource-reads.js';
import { appsOfRows } from './queries/references.js';
import type { ResourceKind, ResourceQuery } from './resource-reads.js';
import type { StoreReader } from './store.js';
import type { InstalledTesterFilter, KnownTotal, UsagePageWindow } from './usage-store.js';

/** Reads, on the database itself or inside a snapshot transaction. */
export class KyselyStoreReader implements StoreReader {
  /** `readSpecifics`: what the reads ask of their backend (backend-specifics.ts). */
  constructor(
    protected readonly db: Kysely<Database>,
    private readonly readSpecifics: Pick<BackendSpecifics, 'oneOf'>,
  ) {}

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
    usage.sumUsageByTester(this.db, this.readSpecifics.oneOf, appId, testerIds, firstDay, lastDay);
  readUsagePage = (
    appId: string,
    filter: InstalledTesterFilter,
    window: UsagePageWindow,
    firstDay: string,
    lastDay: string,
    known?: KnownTotal,
  ) => usage.readUsagePage(this.db, appId, filter, window, firstDay, lastDay, known);
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
  expiredBuildVersions = (appId: string, versions: readonly string[]) =>
    builds.expiredBuildVersions(this.db, appId, versions);
  appsOf = (kind: 'betaGroup' | 'build', ids: readonly string[]) =>
    appsOfRows(this.db, kind === 'betaGroup' ? 'beta_groups' : 'builds', ids);
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
  storedEventIds = (appId: string, ids: readonly string[]) => usageEvents.storedEventIds(this.db, appId, ids);
  publicLinkLimits = (appId: string, groupIds: readonly string[]) =>
    publicLinkLimits.publicLinkLimits(this.db, appId, groupIds);
  testersOfApp = (appId: string, testerIds: readonly string[]) =>
    ingestion.testersOfApp(this.db, appId, testerIds, this.readSpecifics.oneOf);
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
  listFeedbackInbox = (appId: string, query: FeedbackInboxQuery) =>
    feedbackInbox.listFeedbackInbox(this.db, appId, query);
  listFeedbackBuildChoices = (appId: string, limit: number) =>
    feedbackInbox.listFeedbackBuildChoices(this.db, appId, limit);
  findFeedbackBuild = (appId: string, buildId: string) =>
    feedbackInbox.findFeedbackBuild(this.db, appId, buildId);

  async setting(name: string): Promise<string | undefined> {
    const row = await this.db
      .selectFrom('settings')
      .select('value')
      .where('name', '=', name)
      .executeTakeFirst();
    return row?.value;
  }
}
