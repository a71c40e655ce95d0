import { type Kysely, Migrator } from 'kysely';
import type { BackendSpecifics } from './backend-specifics.js';
import { KyselyStore } from './kysely-store.js';
import { migrations } from './migrations/index.js';
import { openPostgresDatabase, type PostgresLocation } from './postgres/connection.js';
import { postgresSpecifics } from './postgres/dialect.js';
import type { Database } from './schema.js';
import { openSqliteDatabase } from './sqlite/connection.js';
import { sqliteSpecifics } from './sqlite/dialect.js';
import { type PoolStats, type Store, StoreUnavailableError } from './store.js';
import { StoreOpenError } from './store-open-error.js';

/** Where the store is: the embedded SQLite directory, or a PostgreSQL database. */
export type StoreLocation = { readonly dataDir: string } | PostgresLocation;

export interface OpenOptions {
  /** Bring the schema up to date (default). `false` refuses to open a store whose schema is behind. */
  readonly migrate?: boolean;
}

/** Opens the store and brings its schema up to date. The only place that picks a backend. */
export async function openStore(location: StoreLocation, options: OpenOptions = {}): Promise<Store> {
  const { db, specifics, schema, poolStats } = await connect(location);
  try {
    if (options.migrate !== false) await migrate(db, specifics, schema);
  } catch (error) {
    await db.destroy();
    throw error;
  }
  return guardAvailability(new KyselyStore(db, specifics, poolStats), specifics);
}

/** Runs the pending migrations; the names of those it ran. */
export async function migrateStore(location: StoreLocation): Promise<string[]> {
  const { db, specifics, schema } = await connect(location);
  try {
    return await migrate(db, specifics, schema);
  } finally {
    await db.destroy();
  }
}

interface Connection {
  readonly db: Kysely<Database>;
  readonly specifics: BackendSpecifics;
  /** The PostgreSQL schema the connections use; undefined for SQLite. */
  readonly schema?: string;
  readonly poolStats?: () => PoolStats;
}

async function connect(location: StoreLocation): Promise<Connection> {
  if (!('databaseUrl' in location))
    return { db: openSqliteDatabase(location.dataDir), specifics: sqliteSpecifics };
  const { db, pool, schema } = await openPostgresDatabase(location);
  const poolStats = () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount });
  return { db, specifics: postgresSpecifics, schema, poolStats };
}

/**
 * Runs pending migrations. Several processes may open one store at once: on PostgreSQL, Kysely takes an
 * advisory lock around them; on SQLite, when another process holds the file, wait and try again.
 */
async function migrate(
  db: Kysely<Database>,
  specifics: BackendSpecifics,
  schema: string | undefined,
): Promise<string[]> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => migrations(specifics.columnTypes) },
    // Kysely looks for its own tables in every schema unless told which: a second store in the same database
    // (another schema) would make it skip creating them in this one.
    ...(schema !== undefined && { migrationTableSchema: schema }),
  });
  for (let attempt = 1; ; attempt++) {
    const { error, results } = await migrator.migrateToLatest();
    if (error === undefined) return (results ?? []).map((result) => result.migrationName);
    if (specifics.isBusy(error) && attempt < 20) {
      await new Promise((resolve) => setTimeout(resolve, 50 * attempt));
      continue;
    }
    const reason = error instanceof Error ? error.message : String(error);
    throw new StoreOpenError(`the store's schema could not be brought up to date: ${reason}`);
  }
}

/**
 * Turns "the database cannot be reached" into StoreUnavailableError, from every store method, so the HTTP
 * layer answers 503 and the CLI says so in one line. Other errors pass as they are.
 */
function guardAvailability(store: Store, specifics: BackendSpecifics): Store {
  const translate = (error: unknown) => {
    throw specifics.isUnavailable(error) ? new StoreUnavailableError() : error;
  };
  return new Proxy(store, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        const result: unknown = value.apply(target, args);
        return result instanceof Promise ? result.catch(translate) : result;
      };
    },
  });
}
