import { accessSync, constants, existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import type { SqliteDatabase, SqliteStatement } from 'kysely';
import { Kysely, SqliteDialect } from '../kysely.js';
import type { Database as Tables } from '../schema.js';
import { StoreOpenError } from '../store-open-error.js';

export const SQLITE_FILE_NAME = 'beta-metrics.db';

/** better-sqlite3's connection, as tests reach it (OpenOptions.onSqliteConnectionForTests). */
export type SqliteConnection = Database.Database;

/**
 * Opens (creating if needed) the embedded store in `dataDir`: one SQLite file in WAL mode, so the server and
 * CLI commands can use it at the same time. `synchronous = FULL` makes every commit durable before it returns:
 * an acknowledged write survives a crash or a power cut.
 */
export function openSqliteDatabase(
  dataDir: string,
  onConnection?: (connection: SqliteConnection) => void,
): Kysely<Tables> {
  const directory = resolve(dataDir);
  try {
    mkdirSync(directory, { recursive: true });
    accessSync(directory, constants.W_OK);
  } catch (error) {
    throw new StoreOpenError(
      `the data directory ${directory} is not writable (${errorCode(error)}); choose another with --data-dir or fix its permissions`,
    );
  }
  let database: Database.Database;
  try {
    database = new Database(join(directory, SQLITE_FILE_NAME));
    database.pragma('journal_mode = WAL');
    database.pragma('synchronous = FULL');
    database.pragma('busy_timeout = 5000');
    database.pragma('foreign_keys = ON');
    database.pragma(`wal_autocheckpoint = ${WAL_AUTOCHECKPOINT_PAGES}`);
    database.pragma(`cache_size = -${PAGE_CACHE_KIB}`);
  } catch (error) {
    throw new StoreOpenError(
      `cannot open the store in ${directory} (${errorCode(error)}); check that it is a beta-metrics data directory`,
    );
  }
  onConnection?.(database);
  return new Kysely<Tables>({ dialect: new SqliteDialect({ database: withStatementCache(database) }) });
}

/**
 * Pages of WAL after which a commit copies them back into the database file (SQLite's default: 1,000, 4 MB).
 * An event batch dirties the same rollup pages as the batches before it (each tester's row of the day and the
 * month): between two checkpoints each is copied once however often it was written, so rarer checkpoints copy
 * and sync far less per event. Ingestion on the 20M-event bench store, 4 senders of 1,000, the default and this
 * alternating (6 runs of 8 s each): median 7,700 -> 9,100-10,900 events/s, server CPU 43-50 -> 39-41 us per event.
 * The WAL file keeps its largest size (about 64 MB) once reached.
 */
const WAL_AUTOCHECKPOINT_PAGES = 16_384;

/**
 * The connection's page cache, in KiB (SQLite reads `cache_size` below 0 as KiB). better-sqlite3 builds SQLite
 * with 16 MB (SQLite's own default is 2), and a server filled it: the cold pages and ingestion read index and
 * rollup pages all over a store of several GB, and the cache keeps each page it read. Those pages are in the
 * OS's page cache too, so a miss costs a `pread`, not a disk read. With 8 MB, paired with 16 on the bench store:
 * cold pages and paging alike, ingestion's rate alike (0.995), and its peak RSS up to 128 MB instead of 140 (the
 * memory goal is 150; BENCHMARKS.md, "SQLite's page cache").
 */
export const PAGE_CACHE_KIB = 8_000;

/** Statements kept prepared; the metrics and ingestion paths use a few dozen distinct ones. */
const PREPARED_STATEMENTS = 256;
/** Longer statements are prepared each time (see prepare). */
const MAX_KEPT_STATEMENT_LENGTH = 4_096;

/**
 * The database as Kysely's SQLite driver uses it, with each statement prepared once and kept (the driver
 * prepares every query anew otherwise, which costs about as much as running a small one). better-sqlite3 runs
 * a statement to completion before anything else runs, so one statement object serves every caller; the
 * least recently prepared is dropped once `PREPARED_STATEMENTS` are kept.
 */
function withStatementCache(database: Database.Database): SqliteDatabase {
  const statements = new Map<string, Database.Statement>();
  const rollback = tolerantRollback(database);
  return {
    close: () => database.close(),
    prepare(sql: string): SqliteStatement {
      if (sql === 'rollback') return rollback;
      const kept = statements.get(sql);
      if (kept !== undefined) return kept;
      const statement = database.prepare(sql);
      // A multi-row insert's text differs with its row count and its program is as large as its rows: kept,
      // a few hundred of them held over 100 MB (peak RSS under ingestion, bench/run.ts), and preparing one
      // again costs little next to writing its rows.
      if (sql.length > MAX_KEPT_STATEMENT_LENGTH) return statement;
      statements.set(sql, statement);
      for (const oldest of statements.keys()) {
        if (statements.size <= PREPARED_STATEMENTS) break;
        statements.delete(oldest);
      }
      return statement;
    },
  };
}

/**
 * The ROLLBACK Kysely runs when a transaction fails (it sends exactly `rollback`), doing nothing when no
 * transaction is left. SQLite itself rolls back the transaction in which a statement failed with SQLITE_FULL,
 * SQLITE_IOERR, SQLITE_BUSY or SQLITE_NOMEM (SQLite's documentation of transactions, "Response To Errors
 * Within A Transaction"); Kysely's ROLLBACK then failed with "cannot rollback - no transaction is active", and
 * that error replaced the one that says what happened (a full disk answered 500 instead of 503). Nothing of
 * the transaction is kept either way.
 */
function tolerantRollback(database: Database.Database): SqliteStatement {
  const statement = database.prepare('rollback');
  return {
    reader: false,
    all: () => [],
    iterate: () => [][Symbol.iterator](),
    run: () => (database.inTransaction ? statement.run() : { changes: 0, lastInsertRowid: 0 }),
  };
}

/** Whether `dataDir` holds an embedded store (its database file). */
export function sqliteStoreExists(dataDir: string): boolean {
  return existsSync(join(resolve(dataDir), SQLITE_FILE_NAME));
}

function errorCode(error: unknown): string {
  if (error instanceof Error) return (error as { code?: string }).code ?? error.message;
  return String(error);
}
