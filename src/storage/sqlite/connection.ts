import { accessSync, constants, existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { StoreOpenError } from '../store-open-error.js';
import type { Database as Tables } from '../schema.js';

export const SQLITE_FILE_NAME = 'beta-metrics.db';

/**
 * Opens (creating if needed) the embedded store in `dataDir`: one SQLite file in WAL mode, so the server and
 * CLI commands can use it at the same time. `synchronous = FULL` makes every commit durable before it returns:
 * an acknowledged write survives a crash or a power cut.
 */
export function openSqliteDatabase(dataDir: string): Kysely<Tables> {
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
  } catch (error) {
    throw new StoreOpenError(
      `cannot open the store in ${directory} (${errorCode(error)}); check that it is a beta-metrics data directory`,
    );
  }
  return new Kysely<Tables>({ dialect: new SqliteDialect({ database }) });
}

/** Whether `dataDir` holds an embedded store (its database file). */
export function sqliteStoreExists(dataDir: string): boolean {
  return existsSync(join(resolve(dataDir), SQLITE_FILE_NAME));
}

function errorCode(error: unknown): string {
  if (error instanceof Error) return (error as { code?: string }).code ?? error.message;
  return String(error);
}
