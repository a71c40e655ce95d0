import { CompiledQuery, sql } from 'kysely';
import type { BackendSpecifics } from '../backend-specifics.js';

/** SQLSTATEs (and socket errors) meaning "the database cannot be reached right now". */
const UNAVAILABLE = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'EPIPE',
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now
  '08000',
  '08001',
  '08003',
  '08006',
]);
/** Conflicts between concurrent transactions that a retry resolves. */
const RETRYABLE = new Set(['40001', '40P01']);
/**
 * What a migration may run into while another session holds or changes the catalog, and a retry gets past:
 * a lock not available, and the race of Kysely's migrator, whose introspection reads the tables of EVERY schema
 * of the database (`has_schema_privilege`, `pg_get_serial_sequence` by name) and fails with "schema / relation /
 * column ... does not exist" when another session drops an unrelated schema or table at that moment (several
 * stores in one database; every test run drops its schema). A real error of that kind still fails the
 * migration, after the retries.
 */
const BUSY = new Set(['55P03', '3F000', '42P01', '42703']);
const WRITE_ATTEMPTS = 5;

/** PostgreSQL's answers to BackendSpecifics (node-postgres errors carry the SQLSTATE in `code`). */
export const postgresSpecifics: BackendSpecifics = {
  name: 'postgres',
  // "invalid byte sequence for encoding UTF8: 0x00"; node-postgres turns a lone surrogate into U+FFFD.
  refusesUnstorableText: true,
  // It holds none: what it refuses never got in.
  findUnstorableText: async () => undefined,
  // Byte order whatever the database's collation: en_US would sort "8fa0-..." by ignoring the hyphens and put
  // testers out of the examples' order.
  columnTypes: { text: sql`text collate "C"`, counter: 'bigint' },
  // Transactions run side by side; merging them would only hold row locks longer.
  groupCommit: false,
  maxBoundParameters: 30_000,

  uniqueViolation(error) {
    const { code, table, detail } = error as { code?: string; table?: string; detail?: string };
    if (code !== '23505' || table === undefined) return undefined;
    // detail: 'Key (bundle_id)=(com.example.app) already exists.' / 'Key (app_id, tester_id)=(...) ...'
    const column = /^Key \(([^,)]+)/.exec(detail ?? '')?.[1];
    return column === undefined ? table : `${table}.${column}`;
  },

  readSnapshot: (db, read) => db.transaction().setIsolationLevel('repeatable read').execute(read),

  // Overlapping batches upsert the same rollup rows; PostgreSQL may abort one of two such transactions
  // (deadlock, serialization); running it again is what it asks.
  async writeTransaction(db, write) {
    for (let attempt = 1; ; attempt++) {
      try {
        return await db.transaction().execute(write);
      } catch (error) {
        const code = (error as { code?: string }).code;
        if (code === undefined || !RETRYABLE.has(code) || attempt >= WRITE_ATTEMPTS) throw error;
        await new Promise((resolve) => setTimeout(resolve, 10 * attempt));
      }
    }
  },

  async analyze(db, tables) {
    if (tables.length === 0) return;
    await sql`analyze ${sql.join(tables.map((table) => sql.table(table)))}`.execute(db);
  },

  counterTransaction(db, write) {
    return postgresSpecifics.writeTransaction(db, async (trx) => {
      await sql`set local synchronous_commit = off`.execute(trx);
      return write(trx);
    });
  },

  async planReads(db, query) {
    const explained = await db.executeQuery<{ 'QUERY PLAN': unknown }>(
      CompiledQuery.raw(`explain (format json) ${query.sql}`, [...query.parameters]),
    );
    const tables = new Set<string>();
    const indexes = new Set<string>();
    const visit = (node: unknown) => {
      if (Array.isArray(node)) for (const item of node) visit(item);
      if (typeof node !== 'object' || node === null) return;
      const fields = node as Record<string, unknown>;
      if (typeof fields['Relation Name'] === 'string') tables.add(fields['Relation Name']);
      if (typeof fields['Index Name'] === 'string') indexes.add(fields['Index Name']);
      for (const value of Object.values(fields)) visit(value);
    };
    visit(explained.rows[0]?.['QUERY PLAN']);
    return { tables: [...tables], indexes: [...indexes] };
  },

  isBusy: (error) => BUSY.has((error as { code?: string }).code ?? ''),

  isUnavailable(error) {
    const { code, message } = error as { code?: string; message?: string };
    if (code !== undefined && UNAVAILABLE.has(code)) return true;
    return /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Query read timeout/i.test(
      message ?? '',
    );
  },
};
