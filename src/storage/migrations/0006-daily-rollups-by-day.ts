import type { Kysely, Migration } from 'kysely';

/**
 * The dashboard's app-wide reads (the chart of sessions and crashes per day, and the runs of days of
 * every tester's sums, domain/month-split.ts) select an app's daily rollups by day. The primary key leads with
 * the tester, so without this index each of them read every daily row of the app: on the reference workload
 * (bench/, 10,000 testers, 1.8 million daily rows) an app's page took 1.2 to 3 s; with it, 0.09 to 0.45 s.
 * Ingestion adds one entry per new tester-day, not per event.
 */
export function dailyRollupsByDaySchema(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createIndex('usage_daily_by_app_day')
        .on('usage_daily')
        .columns(['app_id', 'day'])
        .execute();
    },
  };
}
