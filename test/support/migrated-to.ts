import type { Kysely } from 'kysely';
import { Migrator } from '../../src/storage/kysely.js';
import { migrations } from '../../src/storage/migrations/index.js';
import type { StoreLocation } from '../../src/storage/open-store.js';
import { openPostgresDatabase } from '../../src/storage/postgres/connection.js';
import { postgresSpecifics } from '../../src/storage/postgres/dialect.js';
import type { Database } from '../../src/storage/schema.js';
import { openSqliteDatabase } from '../../src/storage/sqlite/connection.js';
import { sqliteSpecifics } from '../../src/storage/sqlite/dialect.js';

/**
 * The store at `where`, migrated up to `last` only (as a store made before the next migration is), over its
 * own connection: for tests of what a migration does to a store that already holds rows. The caller destroys it.
 */
export async function openMigratedTo(where: StoreLocation, last: string): Promise<Kysely<Database>> {
  const { db, specifics, schema } =
    'dataDir' in where
      ? { db: openSqliteDatabase(where.dataDir), specifics: sqliteSpecifics, schema: undefined }
      : { ...(await openPostgresDatabase({ ...where, poolSize: 1 })), specifics: postgresSpecifics };
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => migrations(specifics) },
    ...(schema !== undefined && { migrationTableSchema: schema }),
  });
  // Kysely's migrator reads every schema of the database, so another test dropping its own schema meanwhile can
  // fail it: tried again, as open-store.ts does.
  let { error } = await migrator.migrateTo(last);
  for (let attempt = 1; error !== undefined && specifics.isBusy(error) && attempt < 20; attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 50 * attempt));
    ({ error } = await migrator.migrateTo(last));
  }
  if (error === undefined) return db;
  await db.destroy();
  throw error;
}
