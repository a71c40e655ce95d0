import type { CalendarDay } from '../domain/calendar-day.js';
import type {
  AppTesterCounts,
  AppUsageTotals,
  DailyUsage,
  TesterUsageRow,
} from '../domain/records/app-usage.js';
import type { BetaGroupSummary } from '../domain/records/beta-group-summary.js';
import type { BuildUsageReport } from '../domain/records/build-usage.js';
import type { DashboardTokenRecord } from '../domain/records/dashboard-token.js';
import type {
  FeedbackBuildLabel,
  FeedbackInboxItem,
  FeedbackInboxQuery,
} from '../domain/records/feedback-inbox.js';
import type { TesterSortKey } from '../domain/tester-sort.js';

/**
 * The part of the Store the dashboard adds: its logins, and the reads behind its pages. The same
 * conventions as the rest of the Store hold (instants ISO 8601 UTC with milliseconds, days `YYYY-MM-DD` UTC,
 * counts read from the rollups only).
 */

export interface DashboardSessionReads {
  /** The session whose hash is `tokenHash`, unless there is none or it had expired at the instant `at`. */
  findDashboardSession(tokenHash: string, at: string): Promise<DashboardTokenRecord | undefined>;
}

export interface DashboardLogins extends DashboardSessionReads {
  /** Stores a one-time login link, and deletes the links that expired by its `createdAt`. */
  createDashboardLoginLink(link: DashboardTokenRecord): Promise<void>;
  /**
   * Spends the login link whose hash is `linkHash` and starts `session`, in one transaction: true when the
   * link existed and had not expired at `session.createdAt`; false, starting nothing, when it is unknown,
   * already spent or expired. Of two exchanges of one link, even on two nodes at once, one at most is true.
   * Also deletes the sessions that expired by `session.createdAt`.
   */
  exchangeDashboardLoginLink(linkHash: string, session: DashboardTokenRecord): Promise<boolean>;
  /** Ends the session whose hash is `tokenHash`; nothing when there is none. */
  endDashboardSession(tokenHash: string): Promise<void>;
}

export interface DashboardReads {
  /** Every app, by id, with how many testers it has (in any state) and how many of them have installed it. */
  listAppsWithTesterCounts(): Promise<AppTesterCounts[]>;

  /**
   * The app's usage over the UTC days `firstDay`..`lastDay`, both included, summed over its installed testers
   * (the testers its metrics list): equal to the sums of the betaTesterUsages rows for that window.
   */
  sumAppUsage(appId: string, firstDay: CalendarDay, lastDay: CalendarDay): Promise<AppUsageTotals>;

  /**
   * Usage per UTC day over `firstDay`..`lastDay` (both included), of the whole app or of one tester, in day
   * order. Days without any session, crash or feedback are absent.
   */
  dailyUsage(
    appId: string,
    firstDay: CalendarDay,
    lastDay: CalendarDay,
    testerId?: string,
  ): Promise<DailyUsage[]>;

  /**
   * One page of the app's testers (in any state) with their usage over `query.firstDay`..`query.lastDay`,
   * ordered by `query.sort` (then by tester id, ascending, whatever the direction), from `query.offset` on,
   * at most `query.limit` of them. Only that page is read into memory. Names sort as "first last" and emails
   * without regard to ASCII case, states by name; a tester without sessions has the lowest crash rate, and
   * one never seen the lowest last-seen day.
   */
  listTesterUsage(appId: string, query: TesterUsageQuery): Promise<TesterUsageRow[]>;
  /** How many testers listTesterUsage would list in all for `filter`. */
  countAppTesters(appId: string, filter: TesterSearch): Promise<number>;

  /**
   * Every build of the app, newest upload first, with its usage over `firstDay`..`lastDay` (both included):
   * the events that name its build number (the app's build numbers are unique). Usage of numbers that name no
   * build of the app, or of events that named none, is summed apart (`unmatched`), so the rows and it add up
   * to the app's usage of the window. Read from the daily rollups, through their index by app and day.
   */
  listBuildUsage(appId: string, firstDay: CalendarDay, lastDay: CalendarDay): Promise<BuildUsageReport>;

  /**
   * The app's beta groups with their tester counts: internal groups first, then by name (compared by UTF-16
   * code units, the same on every backend), then by id.
   */
  listBetaGroupSummaries(appId: string): Promise<BetaGroupSummary[]>;
  /** One of the app's groups; undefined when the app has no group with that id. */
  findBetaGroupSummary(appId: string, groupId: string): Promise<BetaGroupSummary | undefined>;

  /**
   * One page of the app's feedback inbox: its screenshot and crash submissions together, newest first (by
   * created date, then id, then kind, all descending and compared as bytes), filtered and paged by `query`,
   * each with its build's number and version, its tester's names and email, and the first characters of a
   * crash's log. Only that page is read (each kind through its index by app and date).
   */
  listFeedbackInbox(appId: string, query: FeedbackInboxQuery): Promise<FeedbackInboxItem[]>;
  /** The app's builds, newest upload first, at most `limit`: what the inbox's build filter offers. */
  listFeedbackBuildChoices(appId: string, limit: number): Promise<FeedbackBuildLabel[]>;
  /** The app's build `buildId` as the inbox names it; undefined when the app has no such build. */
  findFeedbackBuild(appId: string, buildId: string): Promise<FeedbackBuildLabel | undefined>;
}

export interface TesterSearch {
  /**
   * Testers whose name ("first last") or email contains this text, ignoring the case of ASCII letters. `%`, `_`
   * and `\` are matched as themselves.
   */
  readonly search?: string;
  /** Only this tester. */
  readonly testerId?: string;
  /** Only the members of this beta group. */
  readonly groupId?: string;
}

export interface TesterUsageQuery extends TesterSearch {
  readonly firstDay: CalendarDay;
  readonly lastDay: CalendarDay;
  readonly sort: TesterSortKey;
  readonly descending: boolean;
  readonly offset: number;
  readonly limit: number;
}

/** The dashboard's logins and page reads. */
export interface DashboardStore extends DashboardReads, DashboardLogins {}
