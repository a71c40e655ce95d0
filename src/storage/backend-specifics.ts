import type { CompiledQuery, CreateTableBuilder, Kysely, RawBuilder, SqlBool, Transaction } from 'kysely';
import type { RowsPerStatement } from './queries/fixed-inserts.js';
import type { Database } from './schema.js';

/** The rollups whose rows every batch of usage updates again (queries/usage-rollups.ts). */
export type UpdatedRollup = 'usage_monthly' | 'usage_daily';

/**
 * Everything that differs between backends, as named functions. The shared Kysely store calls these and
 * never asks which backend it runs on; each backend folder (`sqlite/`, later `postgres/`) implements them.
 */
/** A column type as Kysely's schema builder takes it: a name, or raw SQL. */
export type ColumnType = Parameters<CreateTableBuilder<string, never>['addColumn']>[1];

/** The column types the shared migrations ask each backend for. */
export interface ColumnTypes {
  /** Text that is compared and ordered byte by byte: ids, days, instants (the examples' tester order). */
  readonly text: ColumnType;
  /** A count that may pass 2^31 over a store's life. */
  readonly counter: ColumnType;
  /**
   * Ends a CREATE TABLE so the table keeps its rows in primary-key order (SQLite's WITHOUT ROWID), for small
   * rows always read by a prefix of their key; absent where the backend has no such thing.
   */
  readonly keyOrderedTable?: RawBuilder<unknown>;
}

export interface PlanReads {
  readonly tables: readonly string[];
  readonly indexes: readonly string[];
}

/** A value one backend holds and another could not store as it is (domain/storable-text.ts). */
export interface UnstorableValue {
  /** The row's primary key, column by column, as read. */
  readonly key: Readonly<Record<string, unknown>>;
  readonly column: string;
  /** Why, as words that follow the column's name ("contains the NUL character ..."). */
  readonly problem: string;
}

export interface BackendSpecifics {
  readonly name: string;
  /**
   * Whether the backend refuses text with a NUL or bytes that are not UTF-8 (PostgreSQL) instead of keeping
   * it (SQLite): a copy into it first looks for such text in the source (copy-store.ts).
   */
  readonly refusesUnstorableText: boolean;
  /** A value of `table` that a backend which refuses such text could not store, or undefined when none is. */
  findUnstorableText(
    db: Kysely<Database>,
    table: string,
    keyColumns: readonly string[],
  ): Promise<UnstorableValue | undefined>;
  readonly columnTypes: ColumnTypes;
  /**
   * Whether the backend writes one transaction at a time (SQLite): concurrent batches of events are then
   * committed together (a group commit), each answered once that commit is durable.
   */
  readonly groupCommit: boolean;
  /** At most this many bound parameters in one statement. */
  readonly maxBoundParameters: number;
  /**
   * `column` holds one of `values` (at least one): as one array parameter on PostgreSQL, which the planner
   * does not look into (postgres/dialect.ts): a page's sums (200 tester ids, three times over: 600 parameters)
   * were planned in 1.6-5 ms, 0.3 ms so (EXPLAIN ANALYZE, a store of 10,000 testers, medians of 20); as one
   * JSON array on SQLite, which has no arrays (sqlite/dialect.ts).
   */
  oneOf(column: string, values: readonly string[]): RawBuilder<SqlBool>;
  /**
   * Rows per statement of ingestion's multi-row writes (queries/fixed-inserts.ts): a power of two whose rows
   * bind well under maxBoundParameters, or `arrays` (one statement, each column's values one array parameter).
   */
  readonly rowsPerInsert: RowsPerStatement;
  /**
   * Which unique constraint a failed write hit, as `table.column` of its first column (`apps.bundle_id`), or
   * undefined when the error is not a unique violation.
   */
  uniqueViolation(error: unknown): string | undefined;
  /** Runs `read` in a transaction that sees a single snapshot of the database. */
  readSnapshot<T>(db: Kysely<Database>, read: (trx: Transaction<Database>) => Promise<T>): Promise<T>;
  /** Runs `write` in a transaction that holds the write lock from its first statement. */
  writeTransaction<T>(db: Kysely<Database>, write: (trx: Transaction<Database>) => Promise<T>): Promise<T>;
  /**
   * A write transaction whose commit need not survive a crash: request counters (the shared rate limit), where
   * losing the last few counts lets a key make a few more requests, and nothing acknowledged is lost. Spares
   * the wait for a disk flush while the counter's row is locked, which serialized every request of a key.
   */
  counterTransaction<T>(db: Kysely<Database>, write: (trx: Transaction<Database>) => Promise<T>): Promise<T>;
  /**
   * Gathers the planner's statistics after a bulk load (`copy`): PostgreSQL plans from them and, until
   * autovacuum gets to the new rows (if it runs at all), takes a table of millions of rows for an empty one.
   */
  analyze(db: Kysely<Database>, tables: readonly string[]): Promise<void>;
  /** The tables and indexes the database's plan for `query` reads (its EXPLAIN), for tests of what a query touches. */
  planReads(db: Kysely<Database>, query: CompiledQuery): Promise<PlanReads>;
  /**
   * Migration 0012: what makes the database tell every process of a committed change to the rows the read
   * caches keep (read-caches.ts). PostgreSQL's triggers notify (postgres/change-triggers.ts); SQLite needs
   * nothing, its `PRAGMA data_version` tells (sqlite/data-version-feed.ts).
   */
  createChangeNotifications(db: Kysely<unknown>): Promise<void>;
  /**
   * Migration 0013: the same for a beta tester's delete and a TRUNCATE of `beta_testers` (not inserts or
   * updates), whose existence the read caches keep. PostgreSQL's triggers notify; SQLite needs nothing.
   */
  createTesterDeleteNotifications(db: Kysely<unknown>): Promise<void>;
  /**
   * Migrations 0015 and 0016: room on the pages of a rollup (`usage_monthly`, then `usage_daily`) for its rows'
   * next versions. Each batch of usage updates the month's and the day's row of every tester it names;
   * PostgreSQL writes an update as a new version of the row, on the row's page when there is room (no index
   * touched) and elsewhere when not, which scattered a tester's months over the heap (a page's sums read 2,709
   * buffers on the bench store) and gave every daily row's move a new entry in both of its indexes
   * (docs/architecture.md, "Room for the rollups"). SQLite updates in place: nothing.
   */
  leaveRoomForRollupUpdates(db: Kysely<unknown>, table: UpdatedRollup): Promise<void>;
  /** Whether an error means "another process holds the database; try again shortly". */
  isBusy(error: unknown): boolean;
  /** Whether an error means the database cannot be reached at all (answered 503 until it is back). */
  isUnavailable(error: unknown): boolean;
}
