import type { SqlBool, Transaction } from 'kysely';
import { CompiledQuery, sql } from '../kysely.js';
import type { Database } from '../schema.js';
import type { BackendSpecifics } from '../backend-specifics.js';
import { findUnstorableText } from './unstorable-text.js';

/** SQLite's answers to BackendSpecifics (better-sqlite3 errors carry SQLite's extended result code). */
export const sqliteSpecifics: BackendSpecifics = {
  name: 'sqlite',
  // SQLite keeps whatever bytes it is given as text: a NUL, the bytes better-sqlite3 writes for a lone surrogate.
  refusesUnstorableText: false,
  findUnstorableText,
  // SQLite compares text byte by byte (BINARY) unless told otherwise, and its integers are 64-bit.
  columnTypes: { text: 'text', counter: 'integer', keyOrderedTable: sql`without rowid` },
  // One writer at a time: batches that wait for it go in together, one commit (one WAL sync) for all.
  groupCommit: true,
  // SQLITE_MAX_VARIABLE_NUMBER is 32766 since SQLite 3.32; stay well below it.
  maxBoundParameters: 30_000,
  // One JSON parameter, not one per id: Kysely built, compiled and bound 600 parameters for a page's sums (200
  // ids in each of three parts), most of the statement's cost outside SQLite. json_each gives back each id
  // exactly as bound, NUL and lone surrogates included (usage-store.test-suite.ts), and SQLite looks each one
  // up in the index as it did the list's.
  oneOf: (column, values) =>
    sql<SqlBool>`${sql.ref(column)} in (select value from json_each(${JSON.stringify(values)}))`,
  // The text of 64 rows of usage_events (13 values each) stays under the length sqlite/connection.ts keeps
  // prepared; a statement runs in microseconds here, so more of them cost little.
  rowsPerInsert: 64,

  uniqueViolation(error) {
    if (!isSqliteError(error)) return undefined;
    if (error.code !== 'SQLITE_CONSTRAINT_UNIQUE' && error.code !== 'SQLITE_CONSTRAINT_PRIMARYKEY')
      return undefined;
    // "UNIQUE constraint failed: apps.bundle_id" / "...: app_testers.app_id, app_testers.tester_id"
    return /constraint failed: ([\w.]+)/.exec(error.message)?.[1];
  },

  // A deferred transaction in WAL mode reads one snapshot from its first read to its end.
  readSnapshot: (db, read) => db.transaction().execute(read),

  // BEGIN IMMEDIATE: the write lock first. Many writes read before they write (is the app there? is the email
  // known?), and a deferred transaction that read a snapshot cannot take the lock once another process (the CLI
  // beside a server) has committed since: SQLITE_BUSY at once, whatever busy_timeout says. Taken first, the lock
  // is waited for (busy_timeout) while no snapshot is held. Kysely's transactions only BEGIN, hence by hand.
  writeTransaction: (db, write) =>
    db.connection().execute(async (connection) => {
      await sql`begin immediate`.execute(connection);
      try {
        const result = await write(connection as unknown as Transaction<Database>);
        await sql`commit`.execute(connection);
        return result;
      } catch (error) {
        // SQLite may have ended the transaction itself (SQLITE_FULL on a one-row write): that error is the
        // answer, not ROLLBACK's "no transaction is active".
        await sql`rollback`.execute(connection).catch(() => {});
        throw error;
      }
    }),
  // SQLite's counters are only ever written by one process, which counts in memory (services/rate-limiter.ts).
  counterTransaction: (db, write) => db.transaction().execute(write),

  // SQLite plans these queries well without statistics (bench/: the same plans on 20 million events), and
  // gathering them would only make its plans depend on when they were gathered.
  analyze: async () => {},

  // "SEARCH app_testers USING COVERING INDEX app_testers_installed (app_id=?)"
  async planReads(db, query) {
    const explained = await db.executeQuery<{ detail: string }>(
      CompiledQuery.raw(`explain query plan ${query.sql}`, [...query.parameters]),
    );
    const tables = new Set<string>();
    const indexes = new Set<string>();
    for (const { detail } of explained.rows) {
      const table = /^(?:SCAN|SEARCH) (\w+)/.exec(detail)?.[1];
      if (table !== undefined) tables.add(table);
      const index = / INDEX (\w+)/.exec(detail)?.[1];
      if (index !== undefined) indexes.add(index);
    }
    return { tables: [...tables], indexes: [...indexes] };
  },

  // PRAGMA data_version tells of other connections' commits without anything in the schema.
  createChangeNotifications: async () => {},
  createTesterDeleteNotifications: async () => {},
  leaveRoomForRollupUpdates: async () => {},

  isBusy(error) {
    return isSqliteError(error) && error.code.startsWith('SQLITE_BUSY');
  },

  isUnavailable(error) {
    return isSqliteError(error) && UNAVAILABLE.test(error.code);
  },
};

/**
 * Extended result codes meaning "the database cannot serve now", whose statements succeed again once the
 * condition passes, the stored data being sound: another process held the lock past busy_timeout (BUSY), the
 * disk is full (FULL), failed or went away (IOERR, CANTOPEN), the file or its directory is read-only
 * (READONLY), the WAL's locks or memory ran out (PROTOCOL, NOMEM). A corrupt file (CORRUPT) or a bug (ERROR,
 * CONSTRAINT) is not among them: those answer 500.
 */
const UNAVAILABLE = /^SQLITE_(BUSY|FULL|IOERR|CANTOPEN|READONLY|PROTOCOL|NOMEM)(_|$)/;

function isSqliteError(error: unknown): error is Error & { code: string } {
  return error instanceof Error && typeof (error as { code?: unknown }).code === 'string';
}
