import type { Compilable, Kysely } from 'kysely';
import { CompiledQuery } from '../kysely.js';
import type { Database } from '../schema.js';

/** A row of a multi-row write: every value bound (null, never undefined, which Kysely would leave out). */
type Row = Record<string, unknown>;

/**
 * A multi-row write of ingestion's hot path, built and compiled once per backend and row count, then run with
 * new values; rows go in statements of a few fixed sizes (powers of two up to `rowsPerStatement`), so only a
 * handful of SQL texts exist and SQLite keeps each prepared (sqlite/connection.ts). Building, compiling and
 * preparing a 1,000-row insert each time took a fifth of the server's CPU under ingestion (bench/profile.ts
 * --load ingest: Kysely's insert parser and compiler, better-sqlite3's prepare), more than running it.
 * `build` must bind exactly the rows' values, row after row, each in the order of its keys (checked on each
 * first compilation); every row has the same keys in the same order.
 */
export function fixedInserts<R extends Row, Result = unknown>(
  build: (db: Kysely<Database>, rows: R[]) => Compilable<Result>,
): (db: Kysely<Database>, rows: readonly R[], rowsPerStatement: number) => Promise<Result[]> {
  const sqlByAdapter = new WeakMap<object, Map<number, string>>();
  return async (db, rows, rowsPerStatement) => {
    const adapter = db.getExecutor().adapter;
    let texts = sqlByAdapter.get(adapter);
    if (texts === undefined) {
      texts = new Map();
      sqlByAdapter.set(adapter, texts);
    }
    const results: Result[] = [];
    let start = 0;
    while (start < rows.length) {
      const count = statementRows(rows.length - start, rowsPerStatement);
      const chunk = rows.slice(start, start + count);
      start += count;
      const parameters = valuesOf(chunk);
      let text = texts.get(count);
      if (text === undefined) {
        const query = build(db, chunk).compile();
        if (
          query.parameters.length !== parameters.length ||
          query.parameters.some((value, i) => value !== parameters[i])
        ) {
          throw new Error(`a fixed insert must bind its rows' values in order: ${query.sql.slice(0, 200)}`);
        }
        text = query.sql;
        texts.set(count, text);
      }
      const { rows: returned } = await db.executeQuery<Result>(CompiledQuery.raw(text, parameters));
      results.push(...returned);
    }
    return results;
  };
}

/** The rows of the next statement: `rowsPerStatement` while that many are left, then the largest power of two. */
export function statementRows(left: number, rowsPerStatement: number): number {
  if (left >= rowsPerStatement) return rowsPerStatement;
  let count = 1;
  while (count * 2 <= left) count *= 2;
  return count;
}

function valuesOf(rows: readonly Row[]): unknown[] {
  const first = rows[0];
  if (first === undefined) return [];
  const keys = Object.keys(first);
  const values: unknown[] = [];
  for (const row of rows) for (const key of keys) values.push(row[key]);
  return values;
}
