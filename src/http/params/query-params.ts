import { unstorableText } from '../../domain/storable-text.js';
import { visibleText } from '../../domain/visible-text.js';
import { ApiError, type ErrorItem } from '../../errors/api-error.js';
import { illegalParameterItem, invalidCursorItem, invalidParameterItem } from '../../errors/api-errors.js';
import type { CursorToken } from '../../services/cursor-token.js';
import { parseCursor } from '../cursor-text.js';

/** A decoded query string: name/value pairs in the order the client sent them. */
export type QueryPairs = ReadonlyArray<readonly [string, string]>;

/** How one query parameter is read, and how its value is written back in `links`. */
export interface ParamRule<T> {
  /** The value, or `undefined` when it is not acceptable (answered with PARAMETER_ERROR.INVALID). */
  parse(raw: string): T | undefined;
  /** The value as `links.self` writes it; the client's own text when absent. */
  echo?(value: T, raw: string): string;
  /** The error for an unacceptable value; PARAMETER_ERROR.INVALID with the generic text when absent. */
  invalid?(name: string, raw: string): ErrorItem;
}

export type ParamRules = Record<string, ParamRule<unknown>>;

export type ParsedValues<R extends ParamRules> = {
  [K in keyof R]?: R[K] extends ParamRule<infer T> ? T : never;
};

export interface ParsedQuery<R extends ParamRules> {
  readonly values: ParsedValues<R>;
  /** Every parameter in the client's order, values as links write them (docs/apple-behavior.md, §1). */
  readonly echo: ReadonlyArray<readonly [string, string]>;
}

const MAX_ECHOED_VALUE = 256;

/**
 * Reads `pairs` under `rules`. A parameter given twice counts as one whose values are joined with commas, at
 * the place of its first appearance (the spec declares list parameters as `style: form, explode: false`). All
 * problems are reported together, in the client's order; any problem throws an ApiError (400).
 */
export function parseQuery<R extends ParamRules>(pairs: QueryPairs, rules: R): ParsedQuery<R> {
  const merged = new Map<string, string>();
  for (const [name, value] of pairs) {
    const previous = merged.get(name);
    merged.set(name, previous === undefined ? value : `${previous},${value}`);
  }
  const values: Record<string, unknown> = {};
  const echo: Array<readonly [string, string]> = [];
  const problems: ErrorItem[] = [];
  for (const [name, raw] of merged) {
    const rule = Object.hasOwn(rules, name) ? rules[name] : undefined;
    if (rule === undefined) {
      problems.push(illegalParameterItem(name));
      continue;
    }
    // Text no store holds (a NUL, a lone surrogate) matches nothing, and PostgreSQL fails on it even in a
    // query where SQLite finds nothing: refused here, the same on both (domain/storable-text.ts).
    const value = unstorableText(raw) === undefined ? rule.parse(raw) : undefined;
    if (value === undefined) {
      const clipped = raw.length > MAX_ECHOED_VALUE ? `${raw.slice(0, MAX_ECHOED_VALUE)}…` : raw;
      const shown = visibleText(clipped);
      problems.push(rule.invalid ? rule.invalid(name, shown) : invalidParameterItem(name, shown));
      continue;
    }
    values[name] = value;
    echo.push([name, rule.echo ? rule.echo(value, raw) : raw]);
  }
  if (problems.length > 0) throw new ApiError(problems);
  return { values: values as ParsedValues<R>, echo };
}

/**
 * parseQuery, with `missing` (the caller's PARAMETER_ERROR.REQUIRED items, judged on the names sent) listed after
 * any other problem, so one 400 names them all.
 */
export function parseQueryRequiring<R extends ParamRules>(
  pairs: QueryPairs,
  rules: R,
  missing: readonly ErrorItem[],
): ParsedQuery<R> {
  let parsed: ParsedQuery<R>;
  try {
    parsed = parseQuery(pairs, rules);
  } catch (error) {
    if (error instanceof ApiError) throw new ApiError([...error.items, ...missing]);
    throw error;
  }
  throwIfAny(missing);
  return parsed;
}

/** Throws the errors collected by a caller's own cross-parameter checks, if any. */
export function throwIfAny(problems: readonly ErrorItem[]): void {
  if (problems.length > 0) throw new ApiError(problems);
}

/** `limit`: an integer 1..max (Java's Integer.parseInt accepts a sign and leading zeros; so do we). */
export function limitRule(max: number): ParamRule<number> {
  return {
    parse(raw) {
      if (!/^[+-]?\d{1,10}$/.test(raw)) return undefined;
      const limit = Number(raw);
      return limit >= 1 && limit <= max ? limit : undefined;
    },
    echo: (limit) => String(limit),
  };
}

/** A comma-separated list whose every item is one of `allowed`. */
export function enumListRule<T extends string>(allowed: readonly T[]): ParamRule<T[]> {
  return {
    parse(raw) {
      const items = raw.split(',');
      return items.every((item) => (allowed as readonly string[]).includes(item))
        ? (items as T[])
        : undefined;
    },
  };
}

/** A comma-separated list of non-empty values (ids, emails). */
export function idListRule(maxItems = 200): ParamRule<string[]> {
  return {
    parse(raw) {
      const items = raw.split(',');
      return items.length <= maxItems && items.every((item) => item.length > 0 && item.length <= 256)
        ? items
        : undefined;
    },
  };
}

/** One non-empty value. */
export function singleValueRule(): ParamRule<string> {
  return { parse: (raw) => (raw.length > 0 && raw.length <= 256 ? raw : undefined) };
}

/** `cursor`: opaque, only from a `next` link; one that does not parse is answered like a tampered one. */
export function cursorRule(): ParamRule<CursorToken> {
  return {
    parse: parseCursor,
    invalid: (_name, raw) => invalidCursorItem(raw),
  };
}
