import type { CalendarDay } from '../calendar-day.js';
import type { TesterState } from '../tester-state.js';
import type { UsageValues } from '../usage-values.js';
import type { AppRecord } from './app.js';

/**
 * What the dashboard's pages read: apps with their tester counts, usage totals and days, and rows
 * of an app's tester table. Days are `YYYY-MM-DD`, UTC; counts are read from the rollups only.
 */

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
