import { Migrator } from 'kysely';
import type { BackendSpecifics } from './backend-specifics.js';
import { KyselyStore } from './kysely-store.js';
import { MIGRATIONS } from './migrations/index.js';
import { openSqliteDatabase } from './sqlite/connection.js';
import { sqliteSpecifics } from './sqlite/dialect.js';
import type { Store } from './store.js';
import { StoreOpenError } from './store-open-error.js';
import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

export interface StoreLocation {
  /** The embedded store's directory (holds beta-metrics.db). */
  readonly dataDir: string;
}

/** Opens the store and brings its schema up to date. The only place that picks a backend. */
export async function openStore(location: StoreLocation): Promise<Store> {
  const db = openSqliteDatabase(location.dataDir);
  try {
    await migrate(db, sqliteSpecifics);
  } catch (error) {
    await db.destroy();
    throw error;
  }
  return new KyselyStore(db, sqliteSpecifics);
}

/**
 * Runs pending migrations. Several processes may open one store at once (a server and a CLI command); when
 * another holds the database, wait and try again rather than fail.
 */
async function migrate(db: Kysely<Database>, specifics: BackendSpecifics): Promise<void> {
  const migrator = new Migrator({ db, provider: { getMigrations: async () => MIGRATIONS } });
  for (let attempt = 1; ; attempt++) {
    const { error } = await migrator.migrateToLatest();
    if (error === undefined) return;
    if (specifics.isBusy(error) && attempt < 20) {
      await new Promise((resolve) => setTimeout(resolve, 50 * attempt));
      continue;
    }
    const reason = error instanceof Error ? error.message : String(error);
    throw new StoreOpenError(`the store's schema could not be brought up to date: ${reason}`);
  }
}
