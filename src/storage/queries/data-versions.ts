import { type Kysely, sql } from 'kysely';
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

/** Raises the data version of each app (sorted, so concurrent writers lock them in the same order). */
export async function raiseDataVersions(db: Kysely<Database>, appIds: Iterable<string>): Promise<void> {
  for (const appId of [...new Set(appIds)].sort()) {
    await db
      .insertInto('app_data_versions')
      .values({ app_id: appId, version: 1 })
      .onConflict((conflict) =>
        conflict.column('app_id').doUpdateSet({ version: sql`app_data_versions.version + 1` }),
      )
      .execute();
  }
}
