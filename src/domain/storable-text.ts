/**
 * The one rule for text that reaches a store from outside (events, import lines, the CLI's records): text
 * PostgreSQL cannot store is refused on every backend, so both stores answer the same input the same way and
 * whatever one accepts can be copied to the other.
 *
 * - U+0000 (NUL): PostgreSQL's text cannot hold it ("invalid byte sequence for encoding UTF8: 0x00"); SQLite
 *   stores it.
 * - Unpaired UTF-16 surrogates (`"\ud800"` in JSON): not Unicode at all. node-postgres encodes one as U+FFFD,
 *   better-sqlite3 as the 3 bytes of its code point (ED A0 80, which is not UTF-8) that read back as three
 *   U+FFFD: the stores disagreed about what the text was (docs/import-format.md, "Text").
 */

export const HOLDS_NUL = 'contains the NUL character (U+0000), which text may not contain';
export const HOLDS_LONE_SURROGATE =
  'contains an unpaired UTF-16 surrogate (U+D800 to U+DFFF), so it is not well-formed Unicode text';

/** Unpaired surrogates: in a `u` regex a well-formed pair is one code point, so only lone halves match. */
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

/**
 * Why `text` cannot be stored, as words that follow the field's name ("'build' contains ..."), or undefined
 * when it can. Never quotes the text itself. The same as `!text.isWellFormed() || text.includes('\0')`
 * (isWellFormed is ES2024, beyond this project's lib).
 */
export function unstorableText(text: string): string | undefined {
  if (text.includes('\u0000')) return HOLDS_NUL;
  if (LONE_SURROGATE.test(text)) return HOLDS_LONE_SURROGATE;
  return undefined;
}

/**
 * Whether a string value of `record` (a request's path parameters) is text no store holds: no record can have
 * such an id, and PostgreSQL would fail on it even in a query, where SQLite finds nothing.
 */
export function holdsUnstorableText(record: unknown): boolean {
  if (typeof record !== 'object' || record === null) return false;
  return Object.values(record).some(
    (value) => typeof value === 'string' && unstorableText(value) !== undefined,
  );
}
