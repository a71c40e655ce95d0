import type { SqlBool } from 'kysely';
import { CompiledQuery, sql } from '../kysely.js';
import type { BackendSpecifics } from '../backend-specifics.js';
import { createChangeTriggers, createTesterDeleteTriggers } from './change-triggers.js';
import { failedToConnect } from './connection.js';

/**
 * Socket errors and SQLSTATEs meaning "the database cannot serve now", in a statement as well as when
 * connecting (where every failure counts: connection.ts, failedToConnect). SQLSTATEs by class, from
 * PostgreSQL's appendix "PostgreSQL Error Codes": 08 connection exception; 28 invalid authorization (a role
 * dropped, a password changed); 53 insufficient resources (53100 disk full, 53200 out of memory, 53300 too many
 * connections); 57 operator intervention (57014 canceled by statement_timeout or lock_timeout, 57P01-57P03
 * shutdown or cannot connect now, 57P04 database dropped); and single codes: 3D000 the database does not exist,
 * 25006 read-only transaction (a hot standby, default_transaction_read_only), 55P03 lock not available
 * (lock_timeout, NOWAIT), 58000 and 58030 system and I/O errors.
 */
const UNAVAILABLE = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'EPIPE',
  '3D000',
  '25006',
  '55P03',
  '58000',
  '58030',
]);
const UNAVAILABLE_CLASSES = new Set(['08', '28', '53', '57']);
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
  // node-postgres binds a JavaScript array as one array parameter. Unnested and gathered again in a subquery,
  // so the planner cannot see the array's elements (an InitPlan): it estimated the selectivity of each of them
  // in turn, 1.5-1.8 ms to plan a page's sums against 0.3 ms; the index scan by (app, tester) is the same.
  oneOf: (column, values) =>
    sql<SqlBool>`${sql.ref(column)} = any(array(select unnest(${[...values]}::text[])))`,
  // Each statement is a round trip: one per table, its rows as arrays (unnest).
  rowsPerInsert: 'arrays',

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

  createChangeNotifications: createChangeTriggers,
  createTesterDeleteNotifications: createTesterDeleteTriggers,
  async leaveRoomForRollupUpdates(db, table) {
    // Pages filled to half. The monthly rollups: every update of the bench store's year stayed on its row's
    // page (1,407,138 of 1,663,737 did at the default 100), the heap 25 MB instead of 41, a page's sums read
    // from fewer buffers. The daily ones: under ingestion 13% of their updates stayed on their page at the
    // default and all of them at half, and ingestion went 1.10 times as fast (docs/architecture.md, "Room for
    // the rollups"). Not rewritten here: a table's existing pages keep their fill until VACUUM FULL (README,
    // "Scaling out: PostgreSQL and several nodes").
    await sql`alter table ${sql.table(table)} set (fillfactor = 50)`.execute(db);
  },

  isBusy: (error) => BUSY.has((error as { code?: string }).code ?? ''),

  isUnavailable(error) {
    if (failedToConnect(error)) return true;
    const { code, message } = error as { code?: string; message?: string };
    if (code !== undefined && UNAVAILABLE.has(code)) return true;
    if (code !== undefined && /^[0-9A-Z]{5}$/.test(code) && UNAVAILABLE_CLASSES.has(code.slice(0, 2)))
      return true;
    return /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Query read timeout/i.test(
      message ?? '',
    );
  },
};
