import type { CalendarDay } from '../domain/calendar-day.js';
import type { AppendResult, EventPosition, UsageEventRecord } from '../domain/records/usage-event-record.js';
import type { RowWindow } from '../domain/row-window.js';
import type {
  BuildUsageValues,
  PublicLinkCounts,
  PublicLinkLimit,
  UsageValues,
} from '../domain/usage-values.js';

/** Which installed testers a metrics listing reads. */
export interface InstalledTesterFilter {
  /** Only this tester (the `filter[betaTesters]` of the metrics endpoint). */
  readonly testerId?: string;
  /** Only members of this beta group (GET /v1/betaGroups/{id}/metrics/betaTesterUsages). */
  readonly groupId?: string;
}

/** An app's data version (UsageReads.appDataVersion) with the app it belongs to. */
export interface AppVersion {
  readonly appId: string;
  readonly version: string;
}

/** A build's app, its build number (what events name) and the app's data version. */
export interface BuildVersion extends AppVersion {
  readonly buildNumber: string;
}

/** Which testers UsageReads.readUsagePage reads: `limit` of them from `fromId` on when given, else from `offset`. */
export interface UsagePageWindow {
  readonly offset: number;
  readonly limit: number;
  readonly fromId?: string;
}

/** A window of an app's installed testers with their usage, read in one statement (UsageReads.readUsagePage). */
export interface UsagePage {
  /** The app's data version (its metrics' freshness); undefined when there is no such app. */
  readonly version: string | undefined;
  /** The app's listing version: raised by every write that may change who its listings hold (KnownTotal). */
  readonly listingVersion: string;
  /** How many testers the listing has in all (countInstalledTesters). */
  readonly total: number;
  /** The window's testers, in id order, each with its usage over the days (absent: none in those days). */
  readonly rows: readonly { readonly testerId: string; readonly values?: UsageValues }[];
}

/**
 * A listing's total as a read at the app's listing version `listingVersion` gave it: every write that may change
 * who is listed raises it (every write that raises the data version, but ingestion's batches that make nobody
 * newly INSTALLED), so at that version the total is the same (readUsagePage then skips the count).
 */
export interface KnownTotal {
  readonly listingVersion: string;
  readonly total: number;
}

/** Usage: raw events, the rollups the metrics read, installed testers and each app's data version. */
export interface UsageReads {
  /**
   * What listInstalledTesterIds, countInstalledTesters, sumUsageByTester and appDataVersion read for a page,
   * for the testers from `window.offset` on, in one statement: one consistent read without a transaction, and
   * on PostgreSQL one round trip instead of five. Undefined when the window holds no tester (past the end, or
   * none installed): the caller reads as before. With `known`, the total is not counted again when the app is
   * still at its listing version (the statement itself compares), as when paging on through a listing, or
   * reading again after a batch of usage. With `window.fromId` the window starts at that tester (or the first
   * after it) instead: read from the index there, where an offset reads every tester before it.
   */
  readUsagePage(
    appId: string,
    filter: InstalledTesterFilter,
    window: UsagePageWindow,
    firstDay: CalendarDay,
    lastDay: CalendarDay,
    known?: KnownTotal,
  ): Promise<UsagePage | undefined>;
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
   * answer (new events, testers added as installed, the members and builds of its beta groups, the testers of
   * its builds), on every node sharing the store; the metrics of its groups, builds and testers key on it too. Undefined when there is
   * no such app. Two reads that see the same version see the same metrics.
   */
  appDataVersion(appId: string): Promise<string | undefined>;

  /** The data version of the app of beta group `groupId`; undefined when there is no such group. */
  groupDataVersion(groupId: string): Promise<AppVersion | undefined>;
  /** The app, number and data version of build `buildId`; undefined when there is no such build. */
  buildDataVersion(buildId: string): Promise<BuildVersion | undefined>;
  /**
   * The data version of each of `appIds` that exists (absent from the map: no such app), when tester
   * `testerId` exists; undefined when it does not.
   */
  testerAppDataVersions(
    testerId: string,
    appIds: readonly string[],
  ): Promise<Map<string, string> | undefined>;

  /** Of `appIds`, those the tester has installed, ordered by id (GET /v1/betaTesters/{id}/metrics/...). */
  listInstalledAppIds(testerId: string, appIds: readonly string[], window: RowWindow): Promise<string[]>;
  /** How many apps listInstalledAppIds would list in all. */
  countInstalledApps(testerId: string, appIds: readonly string[]): Promise<number>;
  /**
   * The tester's usage of each of `appIds` over `firstDay`..`lastDay` (UTC, both included); apps without usage
   * in those days are absent.
   */
  sumUsageByApp(
    testerId: string,
    appIds: readonly string[],
    firstDay: CalendarDay,
    lastDay: CalendarDay,
  ): Promise<Map<string, UsageValues>>;
  /**
   * The usage of build number `buildNumber` of `appId` over `firstDay`..`lastDay`, every tester together, and
   * how many testers build `buildId` is given to (docs/apple-behavior.md, §11).
   */
  sumBuildUsage(
    build: { readonly buildId: string; readonly appId: string; readonly buildNumber: string },
    firstDay: CalendarDay,
    lastDay: CalendarDay,
  ): Promise<BuildUsageValues>;
  /** What beta group `groupId`'s public link saw over `firstDay`..`lastDay` (rollup public_link_daily). */
  sumPublicLinkUsage(
    appId: string,
    groupId: string,
    firstDay: CalendarDay,
    lastDay: CalendarDay,
  ): Promise<PublicLinkCounts>;

  /**
   * Of the beta groups `groupIds` of `appId`, those whose public link has its limit on, with the limit and the
   * accepts counted so far on every day (public_link_daily): what ingestion judges a public link's accepts by.
   */
  publicLinkLimits(appId: string, groupIds: readonly string[]): Promise<Map<string, PublicLinkLimit>>;
  /** Which of the event ids `ids` `appId` has stored (raw events: within the retention period). */
  storedEventIds(appId: string, ids: readonly string[]): Promise<Set<string>>;

  /** An app's raw events in time order, after the event `after` (keyset on occurredAt, then id). */
  listUsageEvents(
    appId: string,
    after: EventPosition | undefined,
    limit: number,
  ): Promise<UsageEventRecord[]>;
}

export interface UsageStore extends UsageReads {
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
}
