import type { Kysely, Selectable } from 'kysely';
import type { AppsTable, Database } from '../schema.js';
import type { AppFilter, AppRecord } from '../../domain/records/app.js';
import type { RowWindow } from '../../domain/row-window.js';
import { applyWindow, toCount } from './row-window.js';

export async function insertApp(db: Kysely<Database>, app: AppRecord): Promise<void> {
  await db
    .insertInto('apps')
    .values({
      id: app.id,
      name: app.name,
      bundle_id: app.bundleId,
      sku: app.sku,
      primary_locale: app.primaryLocale,
      created_at: app.createdAt,
    })
    .execute();
}

export async function findApp(db: Kysely<Database>, id: string): Promise<AppRecord | undefined> {
  const row = await db.selectFrom('apps').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toAppRecord(row);
}

export async function listApps(
  db: Kysely<Database>,
  filter: AppFilter,
  window: RowWindow,
): Promise<AppRecord[]> {
  const rows = await applyWindow(filtered(db, filter).selectAll(), 'id', window).execute();
  return rows.map(toAppRecord);
}

export async function countApps(db: Kysely<Database>, filter: AppFilter): Promise<number> {
  const row = await filtered(db, filter)
    .select((eb) => eb.fn.countAll().as('n'))
    .executeTakeFirst();
  return toCount(row?.n);
}

function filtered(db: Kysely<Database>, filter: AppFilter) {
  let query = db.selectFrom('apps');
  if (filter.ids) query = query.where('id', 'in', [...filter.ids]);
  if (filter.bundleIds) query = query.where('bundle_id', 'in', [...filter.bundleIds]);
  return query;
}

/** An apps row as a record: the one mapping, for every read that selects whole app rows. */
export function toAppRecord(row: Selectable<AppsTable>): AppRecord {
  return {
    id: row.id,
    name: row.name,
    bundleId: row.bundle_id,
    sku: row.sku,
    primaryLocale: row.primary_locale,
    createdAt: row.created_at,
  };
}
