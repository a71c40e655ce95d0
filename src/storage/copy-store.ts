import type { Kysely, RawBuilder } from 'kysely';
import { sql } from './kysely.js';
import { visibleText } from '../domain/visible-text.js';
import type { BackendSpecifics } from './backend-specifics.js';
import type { ContentBytes } from './content-bytes.js';
import { chunksFor, toCount } from './queries/row-window.js';
import type { Database } from './schema.js';

/**
 * Every table, parents before children (the foreign keys of SQLite are on), each with its primary key, which
 * orders the copy. `satisfies` makes a table added to the schema fail to compile until it is listed here.
 */
const TABLE_KEYS = {
  apps: ['id'],
  beta_testers: ['id'],
  app_testers: ['app_id', 'tester_id'],
  beta_groups: ['id'],
  beta_group_testers: ['group_id', 'tester_id'],
  pre_release_versions: ['id'],
  builds: ['id'],
  build_beta_details: ['id'],
  beta_group_builds: ['group_id', 'build_id'],
  build_individual_testers: ['build_id', 'tester_id'],
  beta_crash_logs: ['id'],
  beta_feedback_screenshot_submissions: ['id'],
  beta_feedback_crash_submissions: ['id'],
  content_blobs: ['app_id', 'sha256'],
  feedback_screenshot_contents: ['submission_id', 'position'],
  api_keys: ['key_id'],
  usage_events: ['app_id', 'id'],
  usage_daily: ['app_id', 'tester_id', 'day', 'build'],
  usage_monthly: ['app_id', 'tester_id', 'month'],
  public_link_daily: ['app_id', 'group_id', 'day'],
  usage_build_daily: ['app_id', 'build', 'day'],
  app_data_versions: ['app_id'],
  settings: ['name'],
  ingest_keys: ['id'],
  ingest_stats: ['app_id'],
  ingest_rejections: ['app_id', 'reason'],
  rate_limit_counts: ['key_id', 'minute'],
  dashboard_login_links: ['token_hash'],
  dashboard_sessions: ['token_hash'],
} as const satisfies { readonly [T in keyof Database]: readonly (keyof Database[T] & string)[] };

export type TableName = keyof Database;

/** The tables a copy moves, in the order it moves them. */
export const COPIED_TABLES = Object.keys(TABLE_KEYS) as TableName[];

/** Rows read from the source and written to the target at a time. */
export const DEFAULT_CHUNK_ROWS = 5_000;

/** One end of a copy: an open database and what its backend needs. */
export interface CopyEnd {
  readonly db: Kysely<Database>;
  readonly specifics: BackendSpecifics;
  /** Where it keeps the bytes of uploaded screenshots, which a copy moves with their rows. */
  readonly contentBytes: ContentBytes;
  /** Where it is, for messages, without a password (`sqlite:/var/lib/bm`, `postgres://bm@db:5432/bm`). */
  readonly name: string;
}

/** A table's rows in the source (in the snapshot copied) and in the target (before the copy commits). */
export interface TableCount {
  readonly from: number;
  readonly to: number;
}

/** Per table, in copy order. */
export type TableCounts = Readonly<Record<TableName, TableCount>>;

export interface CopyProgress {
  readonly table: TableName;
  /** 1 for the first table copied. */
  readonly tableNumber: number;
  readonly tables: number;
  /** Rows of `table` copied so far, of `total`. */
  readonly copied: number;
  readonly total: number;
}

export interface CopyOptions {
  readonly chunkRows?: number;
  /** Called as each table starts and after each chunk. A throw stops the copy; the target stays empty. */
  readonly onProgress?: (progress: CopyProgress) => void;
}

/** A copy was refused or did not verify; nothing was committed to the target. One line, for the CLI. */
export class StoreCopyError extends Error {
  constructor(
    message: string,
    /** The counts, when the copy ran but they differ. */
    readonly counts?: TableCounts,
  ) {
    super(message);
    this.name = 'StoreCopyError';
  }
}

type Row = Record<string, unknown>;

/**
 * Copies every row of every table from `source` to `target`, which must hold no rows but settings (an empty
 * store that was served once has its own issuer id and cursor key; they give way to the source's, which is
 * what keeps the source's tokens and cursors valid). The source is read in one snapshot, so a store in use
 * copies consistently; the target is written in one transaction, counted before it commits, and rolled back
 * when it is not empty, a count differs, or anything fails: a failed copy leaves the target as it was.
 */
export async function copyDatabase(
  source: CopyEnd,
  target: CopyEnd,
  options: CopyOptions = {},
): Promise<TableCounts> {
  const chunkRows = options.chunkRows ?? DEFAULT_CHUNK_ROWS;
  return source.specifics.readSnapshot(source.db, async (reader) => {
    if (target.specifics.refusesUnstorableText) await refuseUnstorableText(source, reader, target.name);
    return target.db.transaction().execute(async (writer) => {
      // A write first, so SQLite takes the write lock now rather than fail to upgrade a read later.
      await writer.deleteFrom('settings').execute();
      await refuseUnlessEmpty(writer, target.name);
      const counts: Partial<Record<TableName, TableCount>> = {};
      for (const [index, table] of COPIED_TABLES.entries()) {
        const total = await countRows(reader, table);
        const report = (copied: number) =>
          options.onProgress?.({
            table,
            tableNumber: index + 1,
            tables: COPIED_TABLES.length,
            copied,
            total,
          });
        report(0);
        let copied = 0;
        let last: Row | undefined;
        for (;;) {
          const rows = await readChunk(reader, table, last, chunkRows);
          if (rows.length > 0) {
            const kept =
              table === 'content_blobs' ? rows.map((row) => ({ ...row, large_object: null })) : rows;
            await insertRows(writer, table, kept, target.specifics.maxBoundParameters);
            if (table === 'content_blobs') await copyContentBytes(source, reader, target, writer, rows);
          }
          copied += rows.length;
          last = rows.at(-1);
          if (rows.length > 0) report(copied);
          if (rows.length < chunkRows) break;
        }
        counts[table] = { from: total, to: await countRows(writer, table) };
      }
      const all = counts as TableCounts;
      const differ = COPIED_TABLES.filter((table) => all[table].from !== all[table].to);
      if (differ.length > 0) {
        const which = differ.map((table) => `${table}: ${all[table].from} -> ${all[table].to}`).join(', ');
        throw new StoreCopyError(
          `the row counts differ (${which}); nothing was committed to ${target.name}`,
          all,
        );
      }
      return all;
    });
  });
}

/**
 * Refuses, before anything is written, a source holding text the target would refuse (a NUL, a lone
 * surrogate: domain/storable-text.ts), which SQLite kept until ingestion and import refused it too. Without
 * this the copy failed in the middle of a table, or wrote something else (sqlite/unstorable-text.ts). One
 * scan of each table, in the source's snapshot; the first such value is named, with what to do about it.
 */
async function refuseUnstorableText(source: CopyEnd, reader: Kysely<Database>, targetName: string) {
  for (const table of COPIED_TABLES) {
    const found = await source.specifics.findUnstorableText(reader, table, TABLE_KEYS[table]);
    if (found === undefined) continue;
    const key = Object.entries(found.key)
      .map(([column, value]) => `${column} ${visibleText(JSON.stringify(value) ?? String(value))}`)
      .join(', ');
    throw new StoreCopyError(
      `the ${table} row (${key}) cannot be copied: its ${found.column} ${found.problem}, and ${targetName} cannot store that. Nothing was copied; fix or delete that row, or move the apps with 'export' and 'import', which reports such lines and loads the others`,
    );
  }
}

/**
 * The bytes of the `content_blobs` rows just copied, one blob at a time: each backend keeps them its own way
 * (files, large objects), so they move through ContentBytes rather than with the rows.
 */
async function copyContentBytes(
  source: CopyEnd,
  reader: Kysely<Database>,
  target: CopyEnd,
  writer: Kysely<Database>,
  rows: readonly Row[],
): Promise<void> {
  for (const row of rows) {
    const appId = String(row.app_id);
    const sha256 = String(row.sha256);
    const stored = await source.contentBytes.read(reader, appId, sha256);
    if (stored === undefined) {
      throw new StoreCopyError(
        `the bytes of screenshot ${sha256} of app ${visibleText(appId)} are missing from ${source.name}; nothing was copied`,
      );
    }
    await target.contentBytes.attach(writer, appId, sha256, stored.bytes);
  }
}

async function refuseUnlessEmpty(db: Kysely<Database>, name: string): Promise<void> {
  const found: string[] = [];
  for (const table of COPIED_TABLES) {
    const rows = await countRows(db, table);
    if (rows > 0) found.push(`${table}: ${rows}`);
  }
  if (found.length > 0) {
    throw new StoreCopyError(
      `${name} is not empty (${found.join(', ')}); copy into an empty store: a new data directory, database or schema`,
    );
  }
}

async function countRows(db: Kysely<Database>, table: TableName): Promise<number> {
  const result = await sql<{ n: unknown }>`select count(*) as n from ${sql.table(table)}`.execute(db);
  return toCount(result.rows[0]?.n);
}

/**
 * The next rows of `table` in primary-key order, after the row `last` (keyset: `(a, b) > (x, y)`, which both
 * backends compare column by column in the order they sort). Values pass as they are read: PostgreSQL's
 * bigint counters come as strings, which both backends store back as integers without loss.
 */
async function readChunk(
  db: Kysely<Database>,
  table: TableName,
  last: Row | undefined,
  limit: number,
): Promise<Row[]> {
  const keys = sql.join(TABLE_KEYS[table].map((column) => sql.ref(column)));
  const after: RawBuilder<unknown> =
    last === undefined
      ? sql``
      : sql`where (${keys}) > (${sql.join(TABLE_KEYS[table].map((column) => last[column]))})`;
  const result =
    await sql<Row>`select * from ${sql.table(table)} ${after} order by ${keys} limit ${limit}`.execute(db);
  return result.rows;
}

async function insertRows(
  db: Kysely<Database>,
  table: TableName,
  rows: readonly Row[],
  maxBoundParameters: number,
): Promise<void> {
  const columns = Object.keys(rows[0] ?? {});
  const names = sql.join(columns.map((column) => sql.ref(column)));
  for (const chunk of chunksFor(rows, columns.length, maxBoundParameters)) {
    const values = sql.join(chunk.map((row) => sql`(${sql.join(columns.map((column) => row[column]))})`));
    await sql`insert into ${sql.table(table)} (${names}) values ${values}`.execute(db);
  }
}
