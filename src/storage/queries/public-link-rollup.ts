import type { InsertObject, Kysely } from 'kysely';
import { sql } from '../kysely.js';
import type { Database } from '../schema.js';
import type { UsageEventRecord } from '../../domain/records/usage-event-record.js';
import { isPublicLinkEventType } from '../../domain/usage-event.js';
import { fixedInserts, type RowsPerStatement } from './fixed-inserts.js';
import { inKeyOrder } from './key-order.js';

type PublicLinkColumn =
  | 'view_count'
  | 'accept_count'
  | 'decline_count'
  | 'not_relevant_count'
  | 'not_clear_count'
  | 'not_interesting_count'
  | 'criteria_not_met_count';
const PUBLIC_LINK_COLUMNS: readonly PublicLinkColumn[] = [
  'view_count',
  'accept_count',
  'decline_count',
  'not_relevant_count',
  'not_clear_count',
  'not_interesting_count',
  'criteria_not_met_count',
];
const REASON_COLUMN: Record<NonNullable<UsageEventRecord['reason']>, PublicLinkColumn> = {
  notRelevant: 'not_relevant_count',
  notClear: 'not_clear_count',
  notInteresting: 'not_interesting_count',
};

/** The public-link events' counts added to `public_link_daily`, per app, group and UTC day (0009). */
export async function addToPublicLinkRollup(
  db: Kysely<Database>,
  events: readonly UsageEventRecord[],
  rowsPerStatement: RowsPerStatement,
) {
  const sums = new Map<
    string,
    InsertObject<Database, 'public_link_daily'> & Record<PublicLinkColumn, number>
  >();
  for (const event of events) {
    if (!isPublicLinkEventType(event.type) || event.groupId === undefined) continue;
    const day = event.occurredAt.slice(0, 10);
    const key = `${event.appId}\u0000${event.groupId}\u0000${day}`;
    let row = sums.get(key);
    if (row === undefined) {
      row = {
        app_id: event.appId,
        group_id: event.groupId,
        day,
        view_count: 0,
        accept_count: 0,
        decline_count: 0,
        not_relevant_count: 0,
        not_clear_count: 0,
        not_interesting_count: 0,
        criteria_not_met_count: 0,
      };
      sums.set(key, row);
    }
    if (event.type === 'publicLinkView') row.view_count++;
    else if (event.type === 'publicLinkAccept') row.accept_count++;
    else if (event.type === 'publicLinkCriteriaNotMet') row.criteria_not_met_count++;
    else {
      row.decline_count++;
      if (event.reason !== undefined) row[REASON_COLUMN[event.reason]]++;
    }
  }
  const rows = inKeyOrder(sums);
  await upsertPublicLinkDaily(db, rows, rowsPerStatement);
}

const upsertPublicLinkDaily = fixedInserts((db, rows: InsertObject<Database, 'public_link_daily'>[]) => {
  const added = (column: PublicLinkColumn) =>
    sql<number>`${sql.ref(`public_link_daily.${column}`)} + ${sql.ref(`excluded.${column}`)}`;
  return db
    .insertInto('public_link_daily')
    .values(rows)
    .onConflict((conflict) =>
      conflict
        .columns(['app_id', 'group_id', 'day'])
        .doUpdateSet(Object.fromEntries(PUBLIC_LINK_COLUMNS.map((column) => [column, added(column)]))),
    );
});
