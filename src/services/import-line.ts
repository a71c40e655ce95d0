import { unstorableText } from '../domain/storable-text.js';
import { visibleText } from '../domain/visible-text.js';
import type { NewAppInput } from './apps.js';
import type { NewTesterInput } from './beta-testers.js';

/**
 * One line of an import file (docs/import-format.md): an app, a tester of an app, or a usage event. Only the
 * shape is read here; the services judge the values (bundle ids, emails, event rules) when the line is used.
 */
export type ImportLine =
  | { readonly kind: 'blank' }
  | { readonly kind: 'app'; readonly app: NewAppInput & { readonly id: string } }
  | { readonly kind: 'tester'; readonly tester: NewTesterInput }
  /** The event as sent, without `kind`, for ingestion's rules to check. */
  | { readonly kind: 'event'; readonly event: Readonly<Record<string, unknown>> }
  /** `record`: what the line would have been; a line that is not an app or a tester line is an event line. */
  | { readonly kind: 'invalid'; readonly record: 'app' | 'tester' | 'event'; readonly reason: string };

const APP_FIELDS = ['kind', 'id', 'name', 'bundleId', 'sku', 'primaryLocale'];
const TESTER_FIELDS = ['kind', 'appId', 'id', 'email', 'firstName', 'lastName'];

/** Reads one line (without its line break). Never throws: a line that cannot be used says why. */
export function parseImportLine(text: string): ImportLine {
  if (text.trim() === '') return { kind: 'blank' };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return invalid('event', `not JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return invalid('event', 'not a JSON object');
  }
  const { kind, ...fields } = value as Record<string, unknown>;
  if (kind === 'app') return appLine(fields);
  if (kind === 'tester') return testerLine(fields);
  if (kind === undefined || kind === 'event') return { kind: 'event', event: fields };
  // A misspelt kind would otherwise be read as an event and refused for unrelated reasons.
  return invalid(
    'event',
    `'kind' must be "app", "tester" or "event" (or absent, for an event), not ${clip(JSON.stringify(kind))}`,
  );
}

function appLine(fields: Record<string, unknown>): ImportLine {
  const read = reader('app', APP_FIELDS, fields);
  const id = read.required('id');
  const name = read.required('name');
  const bundleId = read.required('bundleId');
  const sku = read.optional('sku');
  const primaryLocale = read.optional('primaryLocale');
  if (read.problem !== undefined || id === undefined || name === undefined || bundleId === undefined) {
    return invalid('app', read.problem ?? 'an app line needs id, name and bundleId');
  }
  return {
    kind: 'app',
    app: {
      id,
      name,
      bundleId,
      ...(sku !== undefined && { sku }),
      ...(primaryLocale !== undefined && { primaryLocale }),
    },
  };
}

function testerLine(fields: Record<string, unknown>): ImportLine {
  const read = reader('tester', TESTER_FIELDS, fields);
  const appId = read.required('appId');
  const email = read.required('email');
  const id = read.optional('id');
  const firstName = read.optional('firstName');
  const lastName = read.optional('lastName');
  if (read.problem !== undefined || appId === undefined || email === undefined) {
    return invalid('tester', read.problem ?? 'a tester line needs appId and email');
  }
  return {
    kind: 'tester',
    tester: {
      appId,
      email,
      ...(id !== undefined && { id }),
      ...(firstName !== undefined && { firstName }),
      ...(lastName !== undefined && { lastName }),
    },
  };
}

/** Reads string fields of a record line, keeping the first problem found. */
function reader(what: string, known: readonly string[], fields: Record<string, unknown>) {
  const state: { problem?: string } = {};
  const unknown = Object.keys(fields).find((name) => !known.includes(name));
  if (unknown !== undefined)
    state.problem = `'${clip(unknown)}' is not a field of ${what} lines; use ${known.slice(1).join(', ')}`;
  const read = (name: string, required: boolean): string | undefined => {
    const value = fields[name];
    if (value === undefined || value === null) {
      if (required) state.problem ??= `${what === 'app' ? 'an' : 'a'} ${what} line needs '${name}'`;
      return undefined;
    }
    if (typeof value !== 'string') {
      state.problem ??= `'${name}' must be a string`;
      return undefined;
    }
    // Here, before the line's app or tester is looked up: PostgreSQL fails on such text even in a query.
    const problem = unstorableText(value);
    if (problem !== undefined) {
      state.problem ??= `'${name}' ${problem}`;
      return undefined;
    }
    return value;
  };
  return {
    required: (name: string) => read(name, true),
    optional: (name: string) => read(name, false),
    get problem() {
      return state.problem;
    },
  };
}

function invalid(record: 'app' | 'tester' | 'event', reason: string): ImportLine {
  return { kind: 'invalid', record, reason };
}

/** A value of the line quoted in a reason: clipped, with no control or invisible character (visible-text.ts). */
function clip(value: unknown): string {
  const text = visibleText(typeof value === 'string' ? value : JSON.stringify(value));
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}
