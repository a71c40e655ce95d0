import type { Kysely } from 'kysely';
import { sql } from '../kysely.js';
import type { CalendarDay } from '../../domain/calendar-day.js';
import type { AppTesterCounts, AppUsageTotals, DailyUsage } from '../../domain/records/app-usage.js';
import type { Database } from '../schema.js';
import { toAppRecord } from './apps.js';
import { toCount } from './row-window.js';
import { windowSums } from './window-sums.js';

/** The dashboard's reads of apps and app totals; its tester table is in tester-usage.ts. */

export async function listAppsWithTesterCounts(db: Kysely<Database>): Promise<AppTesterCounts[]> {
  const rows = await db
    .selectFrom('apps as a')
    .selectAll('a')
    .select((eb) => [
      eb
        .selectFrom('app_testers')
        .select(eb.fn.countAll().as('n'))
        .whereRef('app_testers.app_id', '=', 'a.id')
        .as('testers'),
      eb
        .selectFrom('app_testers')
        .select(eb.fn.countAll().as('n'))
        .whereRef('app_testers.app_id', '=', 'a.id')
        .where('app_testers.installed_at', 'is not', null)
        .as('installed'),
    ])
    .orderBy('a.id')
    .execute();
  return rows.map((row) => ({
    app: toAppRecord(row),
    testers: toCount(row.testers),
    installed: toCount(row.installed),
  }));
}

export async function sumAppUsage(
  db: Kysely<Database>,
  appId: string,
  firstDay: CalendarDay,
  lastDay: CalendarDay,
): Promise<AppUsageTotals> {
  const row = await db
    .with('sums', (qb) => windowSums(qb, appId, firstDay, lastDay))
    .selectFrom('sums as s')
    .innerJoin('app_testers as m', (join) =>
      join.onRef('m.tester_id', '=', 's.tester_id').on('m.app_id', '=', appId),
    )
    .where('m.installed_at', 'is not', null)
    .select((eb) => [
      eb.fn
        .sum<number>(sql`case when s.sessions <> 0 or s.crashes <> 0 or s.feedback <> 0 then 1 else 0 end`)
        .as('active'),
      eb.fn.sum<number>('s.sessions').as('sessions'),
      eb.fn.sum<number>('s.crashes').as('crashes'),
      eb.fn.sum<number>('s.feedback').as('feedback'),
    ])
    .executeTakeFirst();
  return {
    activeTesters: toCount(row?.active),
    values: {
      crashCount: toCount(row?.crashes),
      sessionCount: toCount(row?.sessions),
      feedbackCount: toCount(row?.feedback),
    },
  };
}

/**
 * Reads the daily rollups only: every usage row belongs to an installed tester, since the transaction that
 * writes a tester's first rollup also marks them installed (queries/usage.ts, markInstalled).
 */
export async function dailyUsage(
  db: Kysely<Database>,
  appId: string,
  firstDay: CalendarDay,
  lastDay: CalendarDay,
  testerId?: string,
): Promise<DailyUsage[]> {
  const rows = await dailyUsageQuery(db, appId, firstDay, lastDay, testerId).execute();
  return rows
    .map((row) => ({
      day: row.day,
      values: {
        crashCount: toCount(row.crashes),
        sessionCount: toCount(row.sessions),
        feedbackCount: toCount(row.feedback),
      },
    }))
    .filter(({ values }) => values.sessionCount + values.crashCount + values.feedbackCount > 0);
}

/** The query of dailyUsage: by day through usage_daily_by_app_day (migration 0006) for the whole app. */
export function dailyUsageQuery(
  db: Kysely<Database>,
  appId: string,
  firstDay: CalendarDay,
  lastDay: CalendarDay,
  testerId?: string,
) {
  let query = db
    .selectFrom('usage_daily')
    .select((eb) => [
      'day',
      eb.fn.sum<number>('session_count').as('sessions'),
      eb.fn.sum<number>('crash_count').as('crashes'),
      eb.fn.sum<number>('feedback_count').as('feedback'),
    ])
    .where('app_id', '=', appId)
    .where('day', '>=', firstDay)
    .where('day', '<=', lastDay);
  if (testerId !== undefined) query = query.where('tester_id', '=', testerId);
  return query.groupBy('day').orderBy('day');
}
