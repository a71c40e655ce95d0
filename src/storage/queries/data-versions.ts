import type { Kysely } from 'kysely';
import { sql } from '../kysely.js';
import type { Database } from '../schema.js';
import { precompiled } from './precompiled.js';

const selectDataVersion = precompiled((db: Kysely<Database>, appId: string) =>
  db
    .selectFrom('apps')
    .leftJoin('app_data_versions', 'app_data_versions.app_id', 'apps.id')
    .select(['apps.id', 'app_data_versions.version'])
    .where('apps.id', '=', appId),
);

/** The app's data version (app_data_versions), or undefined when there is no such app. Read on every request. */
export async function appDataVersion(db: Kysely<Database>, appId: string): Promise<string | undefined> {
  const [row] = await selectDataVersion(db, appId);
  return row === undefined ? undefined : String(row.version ?? 0);
}

/**
 * Raises the data version of each app, and its listing version but for the apps of `usageOnly`: those an
 * ingestion batch gave usage and no newly INSTALLED tester (append-usage.ts), whose listings are as they were
 * (0014). Every other write raises both. Sorted, so concurrent writers lock them in the same order.
 */
export async function raiseDataVersions(
  db: Kysely<Database>,
  appIds: Iterable<string>,
  usageOnly: ReadonlySet<string> = NONE,
): Promise<void> {
  for (const appId of [...new Set(appIds)].sort()) {
    await (usageOnly.has(appId) ? raiseVersion : raiseBoth)(db, appId);
  }
}

const NONE: ReadonlySet<string> = new Set();
/** A literal, not a parameter: a precompiled statement binds the app's id alone. */
const ONE = sql<number>`1`;
/** The upsert raising an app's data version, and its listing version too when `listing`. */
function raising(listing: boolean) {
  return precompiled((db: Kysely<Database>, appId: string) =>
    db
      .insertInto('app_data_versions')
      .values({ app_id: appId, version: ONE, listing_version: ONE })
      .onConflict((conflict) =>
        conflict.column('app_id').doUpdateSet({
          version: sql`app_data_versions.version + 1`,
          ...(listing && { listing_version: sql`app_data_versions.listing_version + 1` }),
        }),
      ),
  );
}
const raiseBoth = raising(true);
const raiseVersion = raising(false);

/** The apps a node may have kept answers of before a restore, and the highest version any of them had. */
export interface DataVersionsBefore {
  /** Every app, and every app_id with a version (an app's row may outlive it: see renewDataVersions). */
  readonly appIds: readonly string[];
  readonly highest: number;
}

/** Read in a restore's transaction before its rows are replaced. */
export async function dataVersionsBefore(db: Kysely<Database>): Promise<DataVersionsBefore> {
  const ids = await sql<{ id: string }>`
    select id from apps union select app_id as id from app_data_versions
  `.execute(db);
  return { appIds: ids.rows.map((row) => row.id), highest: await highestDataVersion(db) };
}

/**
 * After a restore's rows are in: every app of the snapshot and every app of `before` gets the same version,
 * one above any either had, so no answer kept under an earlier version (on any node) is current again. The
 * apps the snapshot lacks keep a row (app_data_versions has no foreign key; appDataVersion reads only apps
 * that exist), so an app made again later under the same id goes on counting from there instead of from 1,
 * a number some node may have kept its old answers under.
 */
export async function renewDataVersions(db: Kysely<Database>, before: DataVersionsBefore): Promise<void> {
  const version = Math.max(before.highest, await highestDataVersion(db)) + 1;
  await db.updateTable('app_data_versions').set({ version, listing_version: version }).execute();
  const unversioned = await db
    .selectFrom('apps')
    .select('id')
    .where('id', 'not in', db.selectFrom('app_data_versions').select('app_id'))
    .execute();
  const missing = [...new Set([...before.appIds, ...unversioned.map((row) => row.id)])];
  for (let first = 0; first < missing.length; first += 1_000) {
    await db
      .insertInto('app_data_versions')
      .values(
        missing
          .slice(first, first + 1_000)
          .map((appId) => ({ app_id: appId, version, listing_version: version })),
      )
      .onConflict((conflict) => conflict.column('app_id').doNothing())
      .execute();
  }
}

async function highestDataVersion(db: Kysely<Database>): Promise<number> {
  const row = await db
    .selectFrom('app_data_versions')
    .select((eb) => eb.fn.max('version').as('highest'))
    .executeTakeFirst();
  return Number(row?.highest ?? 0);
}
