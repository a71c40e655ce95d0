import type { InsertObject, Kysely, RawBuilder } from 'kysely';
import { sql } from '../kysely.js';
import type { Database } from '../schema.js';
import type { UsageEventRecord } from '../../domain/records/usage-event-record.js';
import { isPublicLinkEventType, type TesterEventType } from '../../domain/usage-event.js';
import { fixedInserts, type RowsPerStatement } from './fixed-inserts.js';

/**
 * The events' counts added to the daily rollups (per tester, day and build) and to the monthly ones (per
 * tester and month, builds together: what long windows read, usage.ts sumUsageByTester); the sums per build
 * and day, for the caller to add to usage_build_daily (upsertBuildDaily). Each rollup row is written once per
 * call, its events' counts summed here.
 */
export async function addToRollups(
  db: Kysely<Database>,
  events: readonly UsageEventRecord[],
  rowsPerStatement: RowsPerStatement,
) {
  const daily = summedByKey(
    events.map((event) => ({
      app_id: event.appId,
      tester_id: event.testerId,
      day: event.occurredAt.slice(0, 10),
      build: event.build ?? '',
      ...countsOf(event.type),
    })),
    (row) => `${row.app_id}\u0000${row.tester_id}\u0000${row.day}\u0000${row.build}`,
  );
  const monthly = summedByKey(
    daily.map((row) => ({
      app_id: row.app_id,
      tester_id: row.tester_id,
      month: row.day.slice(0, 7),
      ...countsOfRow(row),
    })),
    (row) => `${row.app_id}\u0000${row.tester_id}\u0000${row.month}`,
  );
  await upsertMonthly(db, monthly, rowsPerStatement);
  await upsertDaily(db, daily, rowsPerStatement);
  return summedByKey(
    daily.map((row) => ({ app_id: row.app_id, build: row.build, day: row.day, ...countsOfRow(row) })),
    (row) => `${row.app_id}\u0000${row.build}\u0000${row.day}`,
  );
}

const upsertMonthly = fixedInserts((db, rows: InsertObject<Database, 'usage_monthly'>[]) =>
  db
    .insertInto('usage_monthly')
    .values(rows)
    .onConflict((conflict) =>
      conflict.columns(['app_id', 'tester_id', 'month']).doUpdateSet(addedCounts('usage_monthly')),
    ),
);
const upsertDaily = fixedInserts((db, rows: InsertObject<Database, 'usage_daily'>[]) =>
  db
    .insertInto('usage_daily')
    .values(rows)
    .onConflict((conflict) =>
      conflict.columns(['app_id', 'tester_id', 'day', 'build']).doUpdateSet(addedCounts('usage_daily')),
    ),
);
/** Per build and day, testers together: what GET /v1/builds/{id}/metrics/betaBuildUsages reads (0009). */
export const upsertBuildDaily = fixedInserts((db, rows: InsertObject<Database, 'usage_build_daily'>[]) =>
  db
    .insertInto('usage_build_daily')
    .values(rows)
    .onConflict((conflict) =>
      conflict.columns(['app_id', 'build', 'day']).doUpdateSet(addedCounts('usage_build_daily')),
    ),
);

type CountColumn = 'install_count' | 'session_count' | 'crash_count' | 'feedback_count';
type Counts = Record<CountColumn, number>;
const COUNT_COLUMNS: readonly CountColumn[] = [
  'install_count',
  'session_count',
  'crash_count',
  'feedback_count',
];
const COUNT_COLUMN: Record<TesterEventType, CountColumn> = {
  install: 'install_count',
  session: 'session_count',
  crash: 'crash_count',
  feedback: 'feedback_count',
};

/**
 * Rows of the same key as one, their counts summed (into the first row of each key, which the caller made);
 * in key order, so concurrent writers lock the rows they share in the same order (no deadlocks between them).
 */
function summedByKey<Row extends Counts>(rows: readonly Row[], keyOf: (row: Row) => string): Row[] {
  const sums = new Map<string, Row>();
  for (const row of rows) {
    const key = keyOf(row);
    const known = sums.get(key);
    if (known === undefined) sums.set(key, row);
    else for (const column of COUNT_COLUMNS) known[column] += row[column];
  }
  return [...sums.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, row]) => row);
}

/** One event's counts: 1 in the column of its type (a tester's event: the caller left public-link ones out). */
function countsOf(type: UsageEventRecord['type']): Counts {
  const counts = { install_count: 0, session_count: 0, crash_count: 0, feedback_count: 0 };
  if (!isPublicLinkEventType(type)) counts[COUNT_COLUMN[type]] = 1;
  return counts;
}

function countsOfRow(row: Counts): Counts {
  return {
    install_count: row.install_count,
    session_count: row.session_count,
    crash_count: row.crash_count,
    feedback_count: row.feedback_count,
  };
}

/** An upsert's update of a rollup: the stored counts plus the new row's. */
function addedCounts(
  table: 'usage_daily' | 'usage_monthly' | 'usage_build_daily',
): Record<CountColumn, RawBuilder<number>> {
  const added = (column: CountColumn) =>
    sql<number>`${sql.ref(`${table}.${column}`)} + ${sql.ref(`excluded.${column}`)}`;
  return {
    install_count: added('install_count'),
    session_count: added('session_count'),
    crash_count: added('crash_count'),
    feedback_count: added('feedback_count'),
  };
}
