import type { Kysely } from 'kysely';
import { sql } from '../kysely.js';
import { HOLDS_LONE_SURROGATE, HOLDS_NUL } from '../../domain/storable-text.js';
import type { UnstorableValue } from '../backend-specifics.js';
import type { Database } from '../schema.js';

/**
 * Finds text in a SQLite store that PostgreSQL cannot store, as written before ingestion and import refused it
 * (domain/storable-text.ts), so a copy into PostgreSQL refuses before writing anything instead of failing
 * part-way. What such text is in the file, found by trying it with better-sqlite3 (the SQLite text of the
 * JavaScript string, `hex()` of the column):
 *
 * - a NUL is kept as the byte 00 (`'a\0b'` is 61 00 62). SQLite's text functions stop at it (`length()` is 1,
 *   and LIKE and GLOB patterns end there), so the test is `instr()` on the column cast to a blob;
 * - a lone surrogate is written as the 3 bytes of its code point, as if it were a character: U+D800 is
 *   ED A0 80, U+DC00 is ED B0 80 (CESU-8 / WTF-8 style), which is not UTF-8. Read back, better-sqlite3 decodes
 *   each of those bytes as U+FFFD, so a copy would not fail: it would write three U+FFFD where the source has
 *   something else. (A well-formed pair, an emoji, is written as proper 4-byte UTF-8.) In UTF-8 the byte ED
 *   only ever starts a character, and a surrogate's second byte is A0 to BF where the valid characters U+D000
 *   to U+D7FF (Hangul among them) have 80 to 9F: so `instr(blob, x'ED')` then `hex(col) GLOB '*ED[AB]*'` picks
 *   the suspects in one scan of the table, and each suspect is then decoded exactly here (GLOB on hex can
 *   match across two bytes).
 *
 * Bytes that are not UTF-8 for other reasons (written by another program) are reported too when the same
 * filter picks them, not otherwise: beta-metrics itself writes none.
 */
export async function findUnstorableText(
  db: Kysely<Database>,
  table: string,
  keyColumns: readonly string[],
): Promise<UnstorableValue | undefined> {
  const info = await sql<{ name: string }>`
    select name from pragma_table_info(${table}) where upper(type) = 'TEXT' order by cid`.execute(db);
  const columns = info.rows.map((row) => row.name);
  if (columns.length === 0) return undefined;
  const blob = (column: string) => sql`cast(${sql.ref(column)} as blob)`;
  const suspect = sql.join(
    columns.map(
      (column) =>
        sql`instr(${blob(column)}, x'00') > 0 or (instr(${blob(column)}, x'ed') > 0 and hex(${sql.ref(column)}) glob '*ED[AB]*')`,
    ),
    sql` or `,
  );
  const keys = sql.join(keyColumns.map((column) => sql.ref(column)));
  const bytes = sql.join(columns.map((column, i) => sql`${blob(column)} as ${sql.ref(`text_${i}`)}`));
  for (let offset = 0; ; offset += SUSPECTS_AT_A_TIME) {
    const suspects = await sql<Record<string, unknown>>`
      select ${keys}, ${bytes} from ${sql.table(table)} where ${suspect}
      order by ${keys} limit ${SUSPECTS_AT_A_TIME} offset ${offset}`.execute(db);
    for (const row of suspects.rows) {
      for (const [i, column] of columns.entries()) {
        const value = row[`text_${i}`];
        const problem = value instanceof Uint8Array ? unstorableBytes(value) : undefined;
        if (problem === undefined) continue;
        const key = Object.fromEntries(keyColumns.map((name) => [name, row[name]]));
        return { key, column, problem };
      }
    }
    if (suspects.rows.length < SUSPECTS_AT_A_TIME) return undefined;
  }
}

/** Suspects read at a time: nearly every suspect is a bad value, and the first one ends the search. */
const SUSPECTS_AT_A_TIME = 100;

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** Why text stored as `bytes` cannot go into PostgreSQL, in the words of domain/storable-text.ts. */
function unstorableBytes(bytes: Uint8Array): string | undefined {
  if (bytes.includes(0)) return HOLDS_NUL;
  try {
    UTF8.decode(bytes);
    return undefined;
  } catch {
    return surrogateBytes(bytes) ? HOLDS_LONE_SURROGATE : 'holds bytes that are not UTF-8';
  }
}

function surrogateBytes(bytes: Uint8Array): boolean {
  for (let i = 0; i + 1 < bytes.length; i++) {
    const next = bytes[i + 1] ?? 0;
    if (bytes[i] === 0xed && next >= 0xa0 && next <= 0xbf) return true;
  }
  return false;
}
