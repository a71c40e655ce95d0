import type { Compilable, Kysely } from 'kysely';
import { CompiledQuery } from '../kysely.js';
import type { Database } from '../schema.js';

/** An input's values: strings and numbers, in objects and arrays; an absent member is `undefined`. */
export type ShapedInput = { readonly [key: string]: ShapedValue };
type ShapedValue = string | number | undefined | readonly ShapedValue[] | ShapedInput;

/**
 * A statement whose SQL text depends only on the shape of its input (which members are present, how long each
 * list is), built and compiled once per shape and backend, then run with each call's values bound where the
 * first build bound them. Kysely builds and compiles a metrics page's statement in about 0.2 ms and 45 KB of
 * objects a page, more than SQLite takes to answer some of them (docs/architecture.md, "Writing a cold page").
 *
 * The first build of a shape runs on a copy of the input whose every value is a marker of its own; each
 * parameter of the compiled statement must be one of them, which gives its place among the values. A shape
 * whose build binds anything else (a value it computed, a constant) is built every time, as without this.
 * `build` may choose its SQL by which members are present and how many items a list holds, never by a value:
 * two inputs of one shape must make the same SQL (the store suites compare every page with the reads apart).
 */
export function compiledPerShape<Input extends ShapedInput, Row>(
  build: (db: Kysely<Database>, input: Input) => Compilable<Row>,
): (db: Kysely<Database>, input: Input) => Promise<Row[]> {
  /** Per backend and shape: the SQL and, per parameter, the place of its value; null: built every time. */
  const byAdapter = new WeakMap<object, Map<string, { sql: string; places: number[] } | null>>();
  return async (db, input) => {
    const adapter = db.getExecutor().adapter;
    let shapes = byAdapter.get(adapter);
    if (shapes === undefined) {
      shapes = new Map();
      byAdapter.set(adapter, shapes);
    }
    const values: (string | number)[] = [];
    const shape = shapeOf(input, values);
    let compiled = shapes.get(shape);
    if (compiled === undefined) {
      compiled = compileShape(db, build, input, values.length);
      shapes.set(shape, compiled);
    }
    if (compiled === null) return (await db.executeQuery<Row>(build(db, input).compile())).rows;
    const parameters = compiled.places.map((place) => values[place]);
    return (await db.executeQuery<Row>(CompiledQuery.raw(compiled.sql, parameters))).rows;
  };
}

/** The marker of the value at `place`: text no caller's value holds (a store refuses NUL in text). */
const marker = (place: number) => `\u0000${place}\u0000`;

function compileShape<Input extends ShapedInput, Row>(
  db: Kysely<Database>,
  build: (db: Kysely<Database>, input: Input) => Compilable<Row>,
  input: Input,
  count: number,
): { sql: string; places: number[] } | null {
  let next = 0;
  const marked = withValues(input, () => marker(next++)) as Input;
  const query = build(db, marked).compile();
  const placeOf = new Map(Array.from({ length: count }, (_, place) => [marker(place), place]));
  const places: number[] = [];
  for (const parameter of query.parameters) {
    const place = typeof parameter === 'string' ? placeOf.get(parameter) : undefined;
    if (place === undefined) return null;
    places.push(place);
  }
  return { sql: query.sql, places };
}

/** The input's shape as text; its values pushed onto `values` in the order the shape lists them. */
function shapeOf(value: ShapedValue, values: (string | number)[]): string {
  if (value === undefined) return '-';
  if (typeof value === 'string' || typeof value === 'number') {
    values.push(value);
    return typeof value === 'string' ? 's' : 'n';
  }
  if (Array.isArray(value)) return `[${value.map((item) => shapeOf(item, values)).join(',')}]`;
  const members: string[] = [];
  for (const key of Object.keys(value))
    members.push(`${key}:${shapeOf((value as ShapedInput)[key], values)}`);
  return `{${members.join(',')}}`;
}

/** A copy of `value` with each of its values replaced by `replace()`, in the order shapeOf lists them. */
function withValues(value: ShapedValue, replace: () => string): ShapedValue {
  if (value === undefined) return undefined;
  if (typeof value === 'string' || typeof value === 'number') return replace();
  if (Array.isArray(value)) return value.map((item) => withValues(item, replace));
  const copy: Record<string, ShapedValue> = {};
  for (const key of Object.keys(value)) copy[key] = withValues((value as ShapedInput)[key], replace);
  return copy;
}
