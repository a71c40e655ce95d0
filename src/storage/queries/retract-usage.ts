import type { Kysely } from 'kysely';
import { sql } from '../kysely.js';
import type { Database } from '../schema.js';

type CountColumn = 'crash_count' | 'feedback_count';
const COUNT_COLUMN: Readonly<Record<string, CountColumn>> = {
  crash: 'crash_count',
  feedback: 'feedback_count',
};

/**
 * Takes events back (docs/feedback-content.md, "Lifecycle": deleting a submission retracts its event): deletes
 * their `usage_events` rows and subtracts their counts from the daily, monthly and per-build rollups they were
 * added to (append-usage.ts), so the metrics count what remains. Only feedback and crash events have
 * submissions; an event no longer stored (pruned after the retention period, as its submission is) is not
 * subtracted, as its counts stay in the rollups for good. The caller raises the apps' data versions.
 */
export async function retractEvents(
  db: Kysely<Database>,
  events: ReadonlyArray<{ readonly appId: string; readonly id: string }>,
): Promise<void> {
  // In key order, as the appends lock them (no deadlock between a retraction and a batch).
  const sorted = [...events].sort((a, b) =>
    a.appId === b.appId ? (a.id < b.id ? -1 : 1) : a.appId < b.appId ? -1 : 1,
  );
  for (const { appId, id } of sorted) {
    const row = await db
      .deleteFrom('usage_events')
      .where('app_id', '=', appId)
      .where('id', '=', id)
      .returning(['tester_id', 'type', 'day', 'build'])
      .executeTakeFirst();
    const column = row === undefined ? undefined : COUNT_COLUMN[row.type];
    if (row === undefined || column === undefined) continue;
    const less = sql<number>`${sql.ref(column)} - 1`;
    await db
      .updateTable('usage_daily')
      .set({ [column]: less })
      .where('app_id', '=', appId)
      .where('tester_id', '=', row.tester_id)
      .where('day', '=', row.day)
      .where('build', '=', row.build)
      .execute();
    await db
      .updateTable('usage_monthly')
      .set({ [column]: less })
      .where('app_id', '=', appId)
      .where('tester_id', '=', row.tester_id)
      .where('month', '=', row.day.slice(0, 7))
      .execute();
    await db
      .updateTable('usage_build_daily')
      .set({ [column]: less })
      .where('app_id', '=', appId)
      .where('build', '=', row.build)
      .where('day', '=', row.day)
      .execute();
  }
}
