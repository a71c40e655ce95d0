import type { ExpressionBuilder, Kysely } from 'kysely';
import type { CalendarDay } from '../../domain/calendar-day.js';
import { type DayRange, splitByMonths } from '../../domain/month-split.js';
import { type UsageValues, zeroUsage } from '../../domain/usage-values.js';
import type { Database } from '../schema.js';
import type { InstalledTesterFilter, RowWindow } from '../store.js';
import { applyWindow, toCount } from './row-window.js';

/** What the metrics read: an app's installed testers and their usage over a window. Writes: append-usage.ts. */

export async function listInstalledTesterIds(
  db: Kysely<Database>,
  appId: string,
  filter: InstalledTesterFilter,
  window: RowWindow,
): Promise<string[]> {
  const rows = await applyWindow(
    installed(db, appId, filter).select('tester_id'),
    'tester_id',
    window,
  ).execute();
  return rows.map((row) => row.tester_id);
}

export async function countInstalledTesters(
  db: Kysely<Database>,
  appId: string,
  filter: InstalledTesterFilter,
): Promise<number> {
  const row = await installedTestersCountQuery(db, appId, filter).executeTakeFirst();
  return toCount(row?.n);
}

function installed(db: Kysely<Database>, appId: string, filter: InstalledTesterFilter) {
  let query = db.selectFrom('app_testers').where('app_id', '=', appId).where('installed_at', 'is not', null);
  if (filter.testerId !== undefined) query = query.where('tester_id', '=', filter.testerId);
  return query;
}

/** The query of `meta.paging.total`: the app's installed testers, from their memberships alone. */
export function installedTestersCountQuery(
  db: Kysely<Database>,
  appId: string,
  filter: InstalledTesterFilter,
) {
  return installed(db, appId, filter).select((eb) => eb.fn.countAll().as('n'));
}

/**
 * Usage per tester over `firstDay`..`lastDay`, as domain/month-split.ts reads it: months from the monthly
 * rollup, plus or minus runs of days from the daily one, each run one range query (an OR of ranges would make
 * the database read every day of each tester). A year is about a dozen monthly rows and at most about a month
 * of daily rows per tester, whatever the builds.
 */
export async function sumUsageByTester(
  db: Kysely<Database>,
  appId: string,
  testerIds: readonly string[],
  firstDay: CalendarDay,
  lastDay: CalendarDay,
): Promise<Map<string, UsageValues>> {
  const sums = new Map<string, UsageValues>();
  if (testerIds.length === 0) return sums;
  const split = splitByMonths(firstDay, lastDay);
  const ids = [...testerIds];
  const add = (rows: readonly SummedRow[], sign: 1 | -1) => {
    for (const row of rows) {
      const known = sums.get(row.tester_id) ?? zeroUsage();
      known.crashCount += sign * toCount(row.crashes);
      known.sessionCount += sign * toCount(row.sessions);
      known.feedbackCount += sign * toCount(row.feedback);
      sums.set(row.tester_id, known);
    }
  };
  if (split.months !== undefined) {
    add(
      await db
        .selectFrom('usage_monthly')
        .select(SUMS)
        .where('app_id', '=', appId)
        .where('tester_id', 'in', ids)
        .where('month', '>=', split.months.first)
        .where('month', '<=', split.months.last)
        .groupBy('tester_id')
        .execute(),
      1,
    );
  }
  const days = ([first, last]: DayRange) =>
    db
      .selectFrom('usage_daily')
      .select(SUMS)
      .where('app_id', '=', appId)
      .where('tester_id', 'in', ids)
      .where('day', '>=', first)
      .where('day', '<=', last)
      .groupBy('tester_id')
      .execute();
  for (const range of split.plus) add(await days(range), 1);
  for (const range of split.minus) add(await days(range), -1);
  // A tester whose only usage in the months lies outside the window sums to zero: as absent as one without any.
  for (const [testerId, values] of sums) {
    if (values.crashCount === 0 && values.sessionCount === 0 && values.feedbackCount === 0)
      sums.delete(testerId);
  }
  return sums;
}

interface SummedRow {
  tester_id: string;
  crashes: unknown;
  sessions: unknown;
  feedback: unknown;
}

const SUMS = (eb: ExpressionBuilder<Database, 'usage_daily' | 'usage_monthly'>) => [
  eb.ref('tester_id').as('tester_id'),
  eb.fn.sum<number>('crash_count').as('crashes'),
  eb.fn.sum<number>('session_count').as('sessions'),
  eb.fn.sum<number>('feedback_count').as('feedback'),
];
