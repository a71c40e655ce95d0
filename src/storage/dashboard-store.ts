import type { CalendarDay } from '../domain/calendar-day.js';
import type { TesterSortKey } from '../domain/tester-sort.js';
import type { TesterState } from '../domain/tester-state.js';
import type { UsageValues } from '../domain/usage-values.js';
import type { AppRecord } from './store.js';

/**
 * The part of the Store the dashboard (issue 7) adds: its logins, and the reads behind its pages. Split from
 * store.ts to keep each file readable; Store and StoreReader extend these, and the same conventions hold
 * (instants ISO 8601 UTC with milliseconds, days `YYYY-MM-DD` UTC, counts read from the rollups only).
 */

/** A login link or a session: the SHA-256 (hex) of its random token, never the token itself. */
export interface DashboardTokenRecord {
  readonly tokenHash: string;
  readonly createdAt: string;
  /** The first instant at which it is no longer accepted. */
  readonly expiresAt: string;
}

export interface DashboardLogins {
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
  /** The session whose hash is `tokenHash`, unless there is none or it had expired at the instant `at`. */
  findDashboardSession(tokenHash: string, at: string): Promise<DashboardTokenRecord | undefined>;

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
}

export interface AppTesterCounts {
  readonly app: AppRecord;
  /** Testers of the app, in any state. */
  readonly testers: number;
  /** Those who have installed it: the testers its metrics list. */
  readonly installed: number;
}

export interface AppUsageTotals {
  /** Installed testers with at least one session, crash or feedback in the window. */
  readonly activeTesters: number;
  readonly values: UsageValues;
}

export interface DailyUsage {
  readonly day: CalendarDay;
  readonly values: UsageValues;
}

export interface TesterSearch {
  /**
   * Testers whose name ("first last") or email contains this text, ignoring the case of ASCII letters. `%`, `_`
   * and `\` are matched as themselves.
   */
  readonly search?: string;
  /** Only this tester. */
  readonly testerId?: string;
}

export interface TesterUsageQuery extends TesterSearch {
  readonly firstDay: CalendarDay;
  readonly lastDay: CalendarDay;
  readonly sort: TesterSortKey;
  readonly descending: boolean;
  readonly offset: number;
  readonly limit: number;
}

export interface TesterUsageRow {
  readonly testerId: string;
  readonly firstName: string | null;
  readonly lastName: string | null;
  readonly email: string;
  /** The tester's state in this app. */
  readonly state: TesterState;
  /** When the tester first installed the app; null when they have not. */
  readonly installedAt: string | null;
  /** Usage over the window; zeros where nothing happened. */
  readonly values: UsageValues;
  /** The last UTC day up to `lastDay` with any event of the tester in the app (installs included), or null. */
  readonly lastSeenDay: CalendarDay | null;
}
