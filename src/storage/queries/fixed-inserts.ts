import type { Compilable, Kysely } from 'kysely';
import { CompiledQuery } from '../kysely.js';
import type { Database } from '../schema.js';

/** A row of a multi-row write: every value bound (null, never undefined, which Kysely would leave out). */
type Row = Record<string, unknown>;

/**
 * How a backend binds the rows of a multi-row write (BackendSpecifics.rowsPerInsert): in statements of at most
 * that many rows, a value a parameter; or `arrays`, one statement for any number of rows, each column's values
 * one array parameter (PostgreSQL's `unnest`).
 */
export type RowsPerStatement = number | 'arrays';

/**
 * A multi-row write of ingestion's hot path, built and compiled once per backend and row count, then run with
 * new values; rows go in statements of a few fixed sizes (powers of two up to `rowsPerStatement`), so only a
 * handful of SQL texts exist and SQLite keeps each prepared (sqlite/connection.ts). Building, compiling and
 * preparing a 1,000-row insert each time took a fifth of the server's CPU under ingestion (bench/profile.ts
 * --load ingest: Kysely's insert parser and compiler, better-sqlite3's prepare), more than running it.
 * With `arrays` the one-row statement's `values (...)` becomes `select * from unnest($1::text[], ...)`: one
 * statement (one round trip, one short text to parse and plan) whatever the row count, where rows went 256 a
 * statement, each statement a round trip and a text of thousands of parameters to parse and plan.
 * `build` must bind exactly the rows' values, row after row, each in the order of its keys (checked on each
 * first compilation); every row has the same keys in the same order. A number is bound as a bigint, anything
 * else as text. The write answers the rows its statements returned and how many rows they changed.
 */
export function fixedInserts<R extends Row, Result = unknown>(
  build: (db: Kysely<Database>, rows: R[]) => Compilable<Result>,
): (
  db: Kysely<Database>,
  rows: readonly R[],
  rowsPerStatement: RowsPerStatement,
) => Promise<FixedWriteResult<Result>> {
  const sqlByAdapter = new WeakMap<object, Map<number, string>>();
  /** The text for `rowCount` rows, built and compiled the first time from `rows` (that many). */
  const compiled = (
    db: Kysely<Database>,
    rowCount: number,
    rows: () => R[],
    parameters: readonly unknown[],
  ) => {
    const adapter = db.getExecutor().adapter;
    let texts = sqlByAdapter.get(adapter);
    if (texts === undefined) {
      texts = new Map();
      sqlByAdapter.set(adapter, texts);
    }
    let text = texts.get(rowCount);
    if (text === undefined) {
      const query = build(db, rows()).compile();
      if (
        query.parameters.length !== parameters.length ||
        query.parameters.some((value, i) => value !== parameters[i])
      ) {
        throw new Error(`a fixed insert must bind its rows' values in order: ${query.sql.slice(0, 200)}`);
      }
      text = query.sql;
      texts.set(rowCount, text);
    }
    return text;
  };
  return async (db, rows, rowsPerStatement) => {
    if (rows.length === 0) return { rows: [], changed: 0 };
    if (rowsPerStatement === 'arrays') {
      const first = () => rows.slice(0, 1);
      const text = unnested(compiled(db, 1, first, valuesOf(rows, 0, 1)), rows[0] as R);
      const result = await db.executeQuery<Result>(CompiledQuery.raw(text, columnsOf(rows)));
      return { rows: result.rows, changed: Number(result.numAffectedRows ?? 0) };
    }
    const results: Result[] = [];
    let changed = 0;
    let start = 0;
    while (start < rows.length) {
      const count = statementRows(rows.length - start, rowsPerStatement);
      const from = start;
      start += count;
      const parameters = valuesOf(rows, from, start);
      const text = compiled(db, count, () => rows.slice(from, from + count), parameters);
      const result = await db.executeQuery<Result>(CompiledQuery.raw(text, parameters));
      for (const row of result.rows) results.push(row);
      changed += Number(result.numAffectedRows ?? 0);
    }
    return { rows: results, changed };
  };
}

/**
 * What a fixed insert's statements gave: the rows they returned (of a statement with `returning`) and the rows
 * they changed (inserted, or updated by an upsert; a row an upsert's `where` left as it was is not counted).
 */
export interface FixedWriteResult<Result> {
  readonly rows: Result[];
  readonly changed: number;
}

/** The rows of the next statement: `rowsPerStatement` while that many are left, then the largest power of two. */
export function statementRows(left: number, rowsPerStatement: number): number {
  if (left >= rowsPerStatement) return rowsPerStatement;
  let count = 1;
  while (count * 2 <= left) count *= 2;
  return count;
}

/**
 * A one-row insert's text (as Kysely writes it for PostgreSQL) taking its rows from arrays instead:
 * `values ($1, $2)` becomes `select * from unnest($1::text[], $2::int8[])`, the type of each column that of the
 * row's value.
 */
export function unnested(sql: string, row: Row): string {
  const values = Object.values(row);
  const one = `values (${values.map((_, i) => `$${i + 1}`).join(', ')})`;
  const at = sql.indexOf(one);
  if (at < 0 || sql.indexOf(one, at + 1) >= 0 || sql.startsWith(', (', at + one.length)) {
    throw new Error(`a fixed insert must have one row of values to unnest: ${sql.slice(0, 200)}`);
  }
  const arrays = values.map((value, i) => `$${i + 1}::${typeof value === 'number' ? 'int8' : 'text'}[]`);
  return `${sql.slice(0, at)}select * from unnest(${arrays.join(', ')})${sql.slice(at + one.length)}`;
}

/**
 * The values of rows `start` to `end` (excluded), row after row, in an array made at its final size: pushed one
 * by one, an array grows by copying itself (about three times its size allocated in all), and these arrays were
 * a tenth of what ingestion allocated (V8's sampling heap profiler, in process).
 */
function valuesOf(rows: readonly Row[], start = 0, end = rows.length): unknown[] {
  const first = rows[start];
  if (first === undefined) return [];
  const keys = Object.keys(first);
  const values: unknown[] = new Array((end - start) * keys.length);
  let at = 0;
  for (let i = start; i < end; i++) {
    const row = rows[i] as Row;
    for (const key of keys) values[at++] = row[key];
  }
  return values;
}

/** Each column's values, in the order of the first row's keys. */
function columnsOf(rows: readonly Row[]): unknown[][] {
  const keys = Object.keys(rows[0] ?? {});
  return keys.map((key) => rows.map((row) => row[key]));
}
