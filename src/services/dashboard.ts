import { type CalendarDay, utcDay } from '../domain/calendar-day.js';
import type { Clock } from '../domain/clock.js';
import { type PeriodCode, type UsageWindow, usageWindow } from '../domain/period.js';
import type { TesterSortKey } from '../domain/tester-sort.js';
import type {
  AppTesterCounts,
  AppUsageTotals,
  DailyUsage,
  TesterUsageRow,
} from '../domain/records/app-usage.js';
import type { AppRecord } from '../domain/records/app.js';
import type { BetaGroupSummary } from '../domain/records/beta-group-summary.js';
import type { BuildUsageReport } from '../domain/records/build-usage.js';
import type { DashboardReads } from '../storage/dashboard-store.js';
import type { SnapshotReads, SnapshotStore } from '../storage/snapshot-store.js';

/** Rows of the tester table per page: a page is all a request ever reads of an app's testers. */
export const TESTERS_PER_PAGE = 50;

export interface TesterTableQuery {
  readonly sort: TesterSortKey;
  readonly descending: boolean;
  /** Text to find in names and emails; '' for every tester. */
  readonly search: string;
  /** From 1. */
  readonly page: number;
}

export interface TesterTable {
  readonly rows: readonly TesterUsageRow[];
  /** Testers that match the search, on all pages. */
  readonly matching: number;
  readonly page: number;
  /** At least 1, even without any tester. */
  readonly pages: number;
}

export interface AppSummary {
  readonly app: AppRecord;
  readonly window: UsageWindow;
  /** Testers of the app in any state, and those who installed it (the testers the API lists). */
  readonly testers: number;
  readonly installed: number;
  readonly totals: AppUsageTotals;
  /** The days of the window with usage, in order. */
  readonly daily: readonly DailyUsage[];
}

export interface TesterDetail {
  readonly app: AppRecord;
  readonly window: UsageWindow;
  readonly tester: TesterUsageRow;
  readonly daily: readonly DailyUsage[];
}

export interface BuildsDetail {
  readonly app: AppRecord;
  readonly window: UsageWindow;
  readonly report: BuildUsageReport;
}

export interface GroupsDetail {
  readonly app: AppRecord;
  readonly groups: readonly BetaGroupSummary[];
}

export interface GroupDetail {
  readonly app: AppRecord;
  readonly group: BetaGroupSummary;
  readonly window: UsageWindow;
  /** The group's testers, as the app's tester table lists them. */
  readonly table: TesterTable;
}

/**
 * What the dashboard shows, read from the rollups over the window the API uses for the same period
 * and report clock (domain/period.ts usageWindow), so its numbers are the API's. Each page is read in one
 * snapshot. Undefined when the app (or the tester, in that app) does not exist.
 */
export interface DashboardService {
  /** The report date: the last day of every window now. */
  reportDay(): CalendarDay;
  apps(): Promise<AppTesterCounts[]>;
  appPage(
    appId: string,
    period: PeriodCode,
    table: TesterTableQuery,
  ): Promise<{ summary: AppSummary; table: TesterTable } | undefined>;
  testerTable(appId: string, period: PeriodCode, table: TesterTableQuery): Promise<TesterTable | undefined>;
  tester(appId: string, testerId: string, period: PeriodCode): Promise<TesterDetail | undefined>;
  /** Every build of the app with its usage over the period. */
  builds(appId: string, period: PeriodCode): Promise<BuildsDetail | undefined>;
  groups(appId: string): Promise<GroupsDetail | undefined>;
  /** A beta group with one page of its testers' table; undefined also when the app has no such group. */
  group(
    appId: string,
    groupId: string,
    period: PeriodCode,
    table: TesterTableQuery,
  ): Promise<GroupDetail | undefined>;
  /** The app's beta group, without its table: what a change on the group's page checks first. */
  findGroup(appId: string, groupId: string): Promise<BetaGroupSummary | undefined>;
}

export function dashboardService(
  store: DashboardReads & SnapshotStore<SnapshotReads>,
  reportClock: Clock,
): DashboardService {
  const readTable = async (
    reader: DashboardReads,
    appId: string,
    window: UsageWindow,
    query: TesterTableQuery,
    groupId?: string,
  ): Promise<TesterTable> => {
    const search = query.search.trim();
    const matching = await reader.countAppTesters(appId, { search, groupId });
    const pages = Math.max(1, Math.ceil(matching / TESTERS_PER_PAGE));
    const rows = await reader.listTesterUsage(appId, {
      firstDay: window.firstDay,
      lastDay: window.lastDay,
      search,
      groupId,
      sort: query.sort,
      descending: query.descending,
      offset: (query.page - 1) * TESTERS_PER_PAGE,
      limit: TESTERS_PER_PAGE,
    });
    return { rows, matching, page: query.page, pages };
  };

  return {
    reportDay: () => utcDay(reportClock.now()),
    apps: () => store.listAppsWithTesterCounts(),

    appPage(appId, period, query) {
      const window = usageWindow(reportClock.now(), period);
      return store.snapshot(async (reader) => {
        const app = await reader.findApp(appId);
        if (app === undefined) return undefined;
        const summary: AppSummary = {
          app,
          window,
          testers: await reader.countAppTesters(appId, {}),
          installed: await reader.countInstalledTesters(appId, {}),
          totals: await reader.sumAppUsage(appId, window.firstDay, window.lastDay),
          daily: await reader.dailyUsage(appId, window.firstDay, window.lastDay),
        };
        return { summary, table: await readTable(reader, appId, window, query) };
      });
    },

    testerTable(appId, period, query) {
      const window = usageWindow(reportClock.now(), period);
      return store.snapshot(async (reader) =>
        (await reader.findApp(appId)) === undefined ? undefined : readTable(reader, appId, window, query),
      );
    },

    tester(appId, testerId, period) {
      const window = usageWindow(reportClock.now(), period);
      return store.snapshot(async (reader) => {
        const app = await reader.findApp(appId);
        if (app === undefined) return undefined;
        const [tester] = await reader.listTesterUsage(appId, {
          firstDay: window.firstDay,
          lastDay: window.lastDay,
          testerId,
          sort: 'name',
          descending: false,
          offset: 0,
          limit: 1,
        });
        if (tester === undefined) return undefined;
        const daily = await reader.dailyUsage(appId, window.firstDay, window.lastDay, testerId);
        return { app, window, tester, daily };
      });
    },

    builds(appId, period) {
      const window = usageWindow(reportClock.now(), period);
      return store.snapshot(async (reader) => {
        const app = await reader.findApp(appId);
        if (app === undefined) return undefined;
        return { app, window, report: await reader.listBuildUsage(appId, window.firstDay, window.lastDay) };
      });
    },

    groups(appId) {
      return store.snapshot(async (reader) => {
        const app = await reader.findApp(appId);
        if (app === undefined) return undefined;
        return { app, groups: await reader.listBetaGroupSummaries(appId) };
      });
    },

    group(appId, groupId, period, query) {
      const window = usageWindow(reportClock.now(), period);
      return store.snapshot(async (reader) => {
        const app = await reader.findApp(appId);
        const group = app && (await reader.findBetaGroupSummary(appId, groupId));
        if (app === undefined || group === undefined) return undefined;
        return { app, group, window, table: await readTable(reader, appId, window, query, groupId) };
      });
    },

    findGroup: (appId, groupId) => store.snapshot((reader) => reader.findBetaGroupSummary(appId, groupId)),
  };
}
