import type { Kysely, Selectable, Updateable } from 'kysely';
import type { AppsTable, Database } from '../schema.js';
import {
  type AppChanges,
  type AppFilter,
  type AppRecord,
  type NewAppRecord,
  withAppDefaults,
} from '../../domain/records/app.js';
import type { RowWindow } from '../../domain/row-window.js';
import { applyWindow, toCount } from './row-window.js';
import { flag, fromFlag } from './stored-values.js';

export async function insertApp(db: Kysely<Database>, input: NewAppRecord): Promise<void> {
  const app = withAppDefaults(input);
  await db
    .insertInto('apps')
    .values({
      id: app.id,
      name: app.name,
      bundle_id: app.bundleId,
      sku: app.sku,
      primary_locale: app.primaryLocale,
      created_at: app.createdAt,
      ...appColumns(app),
    })
    .execute();
}

/** Changes an app's attributes; false when there is no such app. */
export async function updateApp(db: Kysely<Database>, id: string, changes: AppChanges): Promise<boolean> {
  const columns = appColumns(changes);
  if (Object.keys(columns).length === 0) {
    return (await db.selectFrom('apps').select('id').where('id', '=', id).executeTakeFirst()) !== undefined;
  }
  const result = await db.updateTable('apps').set(columns).where('id', '=', id).executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** The columns of the attributes `app` gives (a field left undefined is left out). */
function appColumns(app: AppChanges): Updateable<AppsTable> {
  const columns: Updateable<AppsTable> = {
    name: app.name,
    sku: app.sku,
    primary_locale: app.primaryLocale,
    accessibility_url: app.accessibilityUrl,
    is_or_ever_was_made_for_kids: flag(app.isOrEverWasMadeForKids),
    subscription_status_url: app.subscriptionStatusUrl,
    subscription_status_url_version: app.subscriptionStatusUrlVersion,
    subscription_status_url_for_sandbox: app.subscriptionStatusUrlForSandbox,
    subscription_status_url_version_for_sandbox: app.subscriptionStatusUrlVersionForSandbox,
    content_rights_declaration: app.contentRightsDeclaration,
    streamlined_purchasing_enabled: flag(app.streamlinedPurchasingEnabled),
    allow_unknown_builds: flag(app.allowUnknownBuilds),
  };
  return Object.fromEntries(Object.entries(columns).filter(([, value]) => value !== undefined));
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
    accessibilityUrl: row.accessibility_url,
    isOrEverWasMadeForKids: fromFlag(row.is_or_ever_was_made_for_kids),
    subscriptionStatusUrl: row.subscription_status_url,
    subscriptionStatusUrlVersion:
      row.subscription_status_url_version as AppRecord['subscriptionStatusUrlVersion'],
    subscriptionStatusUrlForSandbox: row.subscription_status_url_for_sandbox,
    subscriptionStatusUrlVersionForSandbox:
      row.subscription_status_url_version_for_sandbox as AppRecord['subscriptionStatusUrlVersionForSandbox'],
    contentRightsDeclaration: row.content_rights_declaration as AppRecord['contentRightsDeclaration'],
    streamlinedPurchasingEnabled: fromFlag(row.streamlined_purchasing_enabled),
    allowUnknownBuilds: fromFlag(row.allow_unknown_builds),
  };
}
