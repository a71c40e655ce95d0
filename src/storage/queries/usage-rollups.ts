import type { InsertObject, Kysely, RawBuilder } from 'kysely';
import { sql } from '../kysely.js';
import type { Database } from '../schema.js';
import type { UsageEventRecord } from '../../domain/records/usage-event-record.js';
import { isPublicLinkEventType, type TesterEventType } from '../../domain/usage-event.js';
import { fixedInserts, type RowsPerStatement } from './fixed-inserts.js';
import { inKeyOrder } from './key-order.js';

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
  // Rows written out property by property, not spread from a counts object: spreading made a second object
  // per event, and the allocations of ingestion's hot path are a quarter of its CPU in collections
  // (BENCHMARKS.md, "Where the time goes now").
  const daily = summedByKey(
    events,
    (event) =>
      `${event.appId}\u0000${event.testerId}\u0000${event.occurredAt.slice(0, 10)}\u0000${event.build ?? ''}`,
    (event) => {
      const row = {
        app_id: event.appId,
        tester_id: event.testerId,
        day: event.occurredAt.slice(0, 10),
        build: event.build ?? '',
        install_count: 0,
        session_count: 0,
        crash_count: 0,
        feedback_count: 0,
      };
      countEvent(row, event);
      return row;
    },
    countEvent,
  );
  const monthly = summedByKey(
    daily,
    (row) => `${row.app_id}\u0000${row.tester_id}\u0000${row.day.slice(0, 7)}`,
    (row) => ({
      app_id: row.app_id,
      tester_id: row.tester_id,
      month: row.day.slice(0, 7),
      install_count: row.install_count,
      session_count: row.session_count,
      crash_count: row.crash_count,
      feedback_count: row.feedback_count,
    }),
    addCounts,
  );
  await upsertMonthly(db, monthly, rowsPerStatement);
  await upsertDaily(db, daily, rowsPerStatement);
  return summedByKey(
    daily,
    (row) => `${row.app_id}\u0000${row.build}\u0000${row.day}`,
    (row) => ({
      app_id: row.app_id,
      build: row.build,
      day: row.day,
      install_count: row.install_count,
      session_count: row.session_count,
      crash_count: row.crash_count,
      feedback_count: row.feedback_count,
    }),
    addCounts,
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
 * One row per key of `items`: made from the key's first item, the later ones added to it; in key order.
 */
function summedByKey<Item, Row>(
  items: readonly Item[],
  keyOf: (item: Item) => string,
  rowOf: (item: Item) => Row,
  add: (row: Row, item: Item) => void,
): Row[] {
  const sums = new Map<string, Row>();
  for (const item of items) {
    const key = keyOf(item);
    const known = sums.get(key);
    if (known === undefined) sums.set(key, rowOf(item));
    else add(known, item);
  }
  return inKeyOrder(sums);
}

/** Adds one event to its row: 1 in the column of its type (a tester's event: public-link ones are left out). */
function countEvent(row: Counts, event: UsageEventRecord): void {
  if (!isPublicLinkEventType(event.type)) row[COUNT_COLUMN[event.type]] += 1;
}

function addCounts(row: Counts, more: Counts): void {
  for (const column of COUNT_COLUMNS) row[column] += more[column];
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
