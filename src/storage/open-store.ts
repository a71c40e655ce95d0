import { resolve } from 'node:path';
import type { Compilable, Kysely } from 'kysely';
import { Migrator, sql } from './kysely.js';
import type { BackendSpecifics, PlanReads } from './backend-specifics.js';
import type { ContentBytes } from './content-bytes.js';
import { type CopyOptions, copyDatabase, type TableCounts } from './copy-store.js';
import { KyselyStore } from './kysely-store.js';
import { MIGRATION_NAMES } from './migrations/migration-names.js';
import { type PostgresLocation, redactedUrl } from './postgres/location.js';
import { installedTestersCountQuery } from './queries/usage.js';
import type { Database } from './schema.js';
import { openSqliteDatabase, type SqliteConnection, sqliteStoreExists } from './sqlite/connection.js';
import { sqliteSpecifics } from './sqlite/dialect.js';
import { sqliteContentFiles } from './sqlite/content-files.js';
import { sqliteSnapshotAdmin } from './sqlite/snapshots.js';
import { dataVersionFeed } from './sqlite/data-version-feed.js';
import type { ChangeFeed } from './change-feed.js';
import { withReadCaches } from './read-caches.js';
import type { SnapshotAdminStore } from './snapshot-admin-store.js';
import type { PoolStats } from '../domain/records/pool-stats.js';
import type { Store } from './store.js';
import { guardAvailability } from './availability-guard.js';
import { StoreOpenError } from './store-open-error.js';

export {
  COPIED_TABLES,
  type CopyOptions,
  type CopyProgress,
  StoreCopyError,
  type TableCounts,
  type TableName,
} from './copy-store.js';
export { DEFAULT_POOL_SIZE, DEFAULT_QUERY_TIMEOUT_MS, redactedUrl } from './postgres/location.js';

/** Where the store is: the embedded SQLite directory, or a PostgreSQL database. */
export type StoreLocation = { readonly dataDir: string } | PostgresLocation;

export interface OpenOptions {
  /** Bring the schema up to date (default). `false` refuses to open a store whose schema is behind. */
  readonly migrate?: boolean;
  /**
   * Tests only: receives the embedded store's own SQLite connection, so a test can set what is per connection
   * (`PRAGMA max_page_count` for a full disk, `query_only` for a read-only database) on the one the store uses.
   */
  readonly onSqliteConnectionForTests?: (connection: SqliteConnection) => void;
}

/** Opens the store and brings its schema up to date. The only place that picks a backend. */
export async function openStore(location: StoreLocation, options: OpenOptions = {}): Promise<Store> {
  const { db, specifics, schema, poolStats, snapshots, contentBytes, changeFeed } = await connect(
    location,
    options.onSqliteConnectionForTests,
  );
  let replica: Kysely<Database> | undefined;
  try {
    if (options.migrate !== false) await migrate(db, specifics, schema);
    if ('databaseUrl' in location && location.readReplicaUrl !== undefined) {
      const { openPostgresDatabase } = await import('./postgres/backend.js');
      replica = (await openPostgresDatabase({ ...location, databaseUrl: location.readReplicaUrl })).db;
    }
  } catch (error) {
    await db.destroy();
    throw error;
  }
  const store = new KyselyStore(db, specifics, snapshots, contentBytes, poolStats, replica);
  return guardAvailability(withReadCaches(store, changeFeed()), specifics);
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

/** Where a store is, for messages: `sqlite:<directory>`, or the database URL without its password. */
export function describeStoreLocation(location: StoreLocation): string {
  return 'databaseUrl' in location
    ? redactedUrl(location.databaseUrl)
    : `sqlite:${resolve(location.dataDir)}`;
}

/**
 * Copies the whole store at `from` into the empty store at `to` and counts both (copy-store.ts): the source
 * must exist with its schema up to date, and is only read; the target is migrated first. Throws
 * StoreCopyError when the target is not empty or the counts differ, having committed nothing.
 */
export async function copyStore(
  from: StoreLocation,
  to: StoreLocation,
  options: CopyOptions = {},
): Promise<TableCounts> {
  const source = await connectExisting(from);
  try {
    const target = await connect(to);
    try {
      await migrate(target.db, target.specifics, target.schema);
      const counts = await copyDatabase(
        { ...source, name: describeStoreLocation(from) },
        { ...target, name: describeStoreLocation(to) },
        options,
      );
      // Without statistics PostgreSQL's cold metrics pages took 170-400 ms instead of 8-13 (BENCHMARKS.md).
      await target.specifics.analyze(target.db, Object.keys(counts));
      return counts;
    } finally {
      await target.db.destroy();
    }
  } finally {
    await source.db.destroy();
  }
}

/**
 * The tables and indexes the database reads to count `meta.paging.total` of an app's metrics (the plan of
 * its query): the proof that the count reads memberships and no usage rows, for a test and the benchmark.
 */
export function planOfInstalledTesterCount(location: StoreLocation, appId: string): Promise<PlanReads> {
  return planOf(location, (db) => installedTestersCountQuery(db, appId, {}));
}

/** The tables and indexes the database's plan of `query` reads on the store at `location` (for tests). */
export async function planOf(
  location: StoreLocation,
  query: (db: Kysely<Database>) => Compilable<unknown>,
): Promise<PlanReads> {
  const connection = await connectExisting(location);
  try {
    return await connection.specifics.planReads(connection.db, query(connection.db).compile());
  } finally {
    await connection.db.destroy();
  }
}

/** Connects to a store that exists and is up to date, creating and changing nothing. */
async function connectExisting(location: StoreLocation): Promise<Connection> {
  const where = describeStoreLocation(location);
  if (!('databaseUrl' in location) && !sqliteStoreExists(location.dataDir))
    throw new StoreOpenError(`there is no store at ${where}; give the data directory of an existing store`);
  const connection = await connect(location);
  try {
    const applied = await appliedMigrations(connection.db, connection.schema);
    const pending = MIGRATION_NAMES.filter((name) => !applied.has(name));
    if (pending.length === MIGRATION_NAMES.length) throw new StoreOpenError(`there is no store at ${where}`);
    if (pending.length > 0) {
      throw new StoreOpenError(
        `the store at ${where} lacks the migrations ${pending.join(', ')}; run 'beta-metrics migrate' on it first`,
      );
    }
    return connection;
  } catch (error) {
    await connection.db.destroy();
    throw error;
  }
}

interface Connection {
  readonly db: Kysely<Database>;
  readonly specifics: BackendSpecifics;
  /** The PostgreSQL schema the connections use; undefined for SQLite. */
  readonly schema?: string;
  readonly poolStats?: () => PoolStats;
  /** Named snapshots of the whole store, over `db`. */
  readonly snapshots: SnapshotAdminStore;
  /** Where the bytes of uploaded screenshots are kept. */
  readonly contentBytes: ContentBytes;
  /** Makes the feed that tells the store's read caches of changes by other processes (change-feed.ts). */
  readonly changeFeed: () => ChangeFeed;
}

async function connect(
  location: StoreLocation,
  onSqliteConnection?: (connection: SqliteConnection) => void,
): Promise<Connection> {
  if (!('databaseUrl' in location)) {
    const connections: SqliteConnection[] = [];
    const db = openSqliteDatabase(location.dataDir, (connection) => {
      connections.push(connection);
      onSqliteConnection?.(connection);
    });
    return {
      db,
      specifics: sqliteSpecifics,
      snapshots: sqliteSnapshotAdmin(db, location.dataDir),
      contentBytes: sqliteContentFiles(location.dataDir),
      changeFeed: () => {
        const [connection] = connections;
        if (connection === undefined) throw new Error('the SQLite store opened no connection');
        return dataVersionFeed(connection);
      },
    };
  }
  // Loaded for a PostgreSQL store only (postgres/backend.ts).
  const {
    changeListener,
    openPostgresDatabase,
    postgresLargeObjects,
    postgresSnapshotAdmin,
    postgresSpecifics,
  } = await import('./postgres/backend.js');
  const { db, pool, schema } = await openPostgresDatabase(location);
  const poolStats = () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount });
  return {
    db,
    specifics: postgresSpecifics,
    schema,
    poolStats,
    snapshots: postgresSnapshotAdmin(db, schema),
    contentBytes: postgresLargeObjects,
    changeFeed: () => changeListener({ databaseUrl: location.databaseUrl, schema }),
  };
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
  if (await upToDate(db, schema)) return [];
  for (let attempt = 1; ; attempt++) {
    const { error, results } = await migrator(db, specifics, schema).migrateToLatest();
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
 * Whether the store has applied exactly this version's migrations, read in one query. Kysely's migrator finds
 * that out itself, but first introspects every table of the database (on PostgreSQL, of every schema), which
 * took 280 ms of each open of a store already up to date: every `serve` start and every CLI command. Anything
 * else (no migration table yet, a migration missing or unknown, any error) goes the migrator's locked way.
 */
async function upToDate(db: Kysely<Database>, schema: string | undefined): Promise<boolean> {
  try {
    const applied = await appliedMigrations(db, schema);
    return applied.size === MIGRATION_NAMES.length && MIGRATION_NAMES.every((name) => applied.has(name));
  } catch {
    return false;
  }
}

/**
 * The names of the migrations the store has applied, none when it has no migration table yet; read directly,
 * not through Kysely's migrator, whose introspection of every schema of the database also fails when another
 * session drops an unrelated schema at that moment. Any other error (the database is down) is thrown.
 */
async function appliedMigrations(db: Kysely<Database>, schema: string | undefined): Promise<Set<string>> {
  const table = sql.table(schema === undefined ? 'kysely_migration' : `${schema}.kysely_migration`);
  try {
    const { rows } = await sql<{ name: string }>`select name from ${table}`.execute(db);
    return new Set(rows.map((row) => row.name));
  } catch (error) {
    const { code, message } = error as { code?: string; message?: string };
    if (code === '42P01' || /no such table/.test(message ?? '')) return new Set();
    throw error;
  }
}

function migrator(db: Kysely<Database>, specifics: BackendSpecifics, schema: string | undefined): Migrator {
  return new Migrator({
    db,
    // The migrations themselves load only when a store is behind (migrations/migration-names.ts).
    provider: {
      getMigrations: async () => (await import('./migrations/index.js')).migrations(specifics),
    },
    // Kysely looks for its own tables in every schema unless told which: a second store in the same database
    // (another schema) would make it skip creating them in this one.
    ...(schema !== undefined && { migrationTableSchema: schema }),
  });
}
