import type { InsertObject, Kysely } from 'kysely';
import { sql } from '../kysely.js';
import type { Database } from '../schema.js';
import type { UsageEventRecord } from '../../domain/records/usage-event-record.js';
import { fixedInserts, type RowsPerStatement } from './fixed-inserts.js';
import { inKeyOrder } from './key-order.js';

/** A tester's row as ingestion upserts it: INSTALLED since its earliest event of the batch. */
type InstalledRow = {
  app_id: string;
  tester_id: string;
  state: string;
  invited_at: string;
  installed_at: string;
};

/**
 * Any event means the tester has the app: a session implies an install. The apps of the rows it wrote (a tester
 * newly INSTALLED, or installed earlier than known): the others' listings are as they were.
 */
export async function markInstalled(
  db: Kysely<Database>,
  events: readonly UsageEventRecord[],
  rowsPerStatement: RowsPerStatement,
): Promise<Set<string>> {
  // Each tester's row made once, its time moved back in place; written in key order.
  const earliest = new Map<string, InstalledRow>();
  for (const event of events) {
    const key = `${event.appId}\u0000${event.testerId}`;
    const known = earliest.get(key);
    if (known === undefined) {
      const at = event.occurredAt;
      earliest.set(key, {
        app_id: event.appId,
        tester_id: event.testerId,
        state: 'INSTALLED',
        invited_at: at,
        installed_at: at,
      });
    } else if (event.occurredAt < known.installed_at) {
      known.invited_at = event.occurredAt;
      known.installed_at = event.occurredAt;
    }
  }
  // App by app (the rows are in key order, so each app's are together): the rows an app's statements changed
  // say whether its listing did, with no `returning`, which on SQLite made each row's upsert cost four times as
  // much, whether or not it wrote it (1.6 against 7 us a row, 64 rows a statement, in process).
  const rows = inKeyOrder(earliest);
  const changedApps = new Set<string>();
  let start = 0;
  while (start < rows.length) {
    const appId = (rows[start] as InstalledRow).app_id;
    let end = start + 1;
    while (end < rows.length && (rows[end] as InstalledRow).app_id === appId) end++;
    const { changed } = await upsertInstalled(db, rows.slice(start, end), rowsPerStatement);
    if (changed > 0) changedApps.add(appId);
    start = end;
  }
  return changedApps;
}

const upsertInstalled = fixedInserts((db, rows: InsertObject<Database, 'app_testers'>[]) =>
  db
    .insertInto('app_testers')
    .values(rows)
    .onConflict((conflict) =>
      conflict
        .columns(['app_id', 'tester_id'])
        .doUpdateSet({
          // A revoked tester stays revoked; their usage still counts.
          state: sql`case when app_testers.state = 'REVOKED' then 'REVOKED' else 'INSTALLED' end`,
          installed_at: sql`case when app_testers.installed_at is null or excluded.installed_at < app_testers.installed_at then excluded.installed_at else app_testers.installed_at end`,
        })
        // Most events come from testers installed long ago: leave their rows (and pages) untouched. (Literals,
        // not parameters: a fixed insert binds only its rows' values.)
        .where(
          sql<boolean>`app_testers.state not in ('INSTALLED', 'REVOKED') or app_testers.installed_at is null or app_testers.installed_at > excluded.installed_at`,
        ),
    ),
);
