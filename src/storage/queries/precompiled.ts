import type { Compilable, Kysely } from 'kysely';
import { CompiledQuery } from '../kysely.js';
import type { Database } from '../schema.js';

/**
 * A query of the hot paths (every request reads its key and its app's data version) built and compiled once
 * per backend, then run with new values: Kysely binds every value as a parameter, so the SQL text stays the
 * same and only the values change. Building and compiling a query costs more than SQLite takes to run these.
 * `build` must use each of its values once, in the order given (checked on the first compilation).
 */
export function precompiled<Values extends unknown[], Row>(
  build: (db: Kysely<Database>, ...values: Values) => Compilable<Row>,
): (db: Kysely<Database>, ...values: Values) => Promise<Row[]> {
  const sqlByAdapter = new WeakMap<object, string>();
  return async (db, ...values) => {
    const adapter = db.getExecutor().adapter;
    const sql = sqlByAdapter.get(adapter);
    if (sql !== undefined) return (await db.executeQuery<Row>(CompiledQuery.raw(sql, values))).rows;
    const query = build(db, ...values).compile();
    if (
      query.parameters.length !== values.length ||
      query.parameters.some((value, i) => value !== values[i])
    ) {
      throw new Error(`a precompiled query must bind its values in order: ${query.sql}`);
    }
    sqlByAdapter.set(adapter, query.sql);
    return (await db.executeQuery(query)).rows;
  };
}
