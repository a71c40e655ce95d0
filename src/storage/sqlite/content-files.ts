import { randomBytes } from 'node:crypto';
import {
  closeSync,
  existsSync,
  fsyncSync,
  linkSync,
  mkdirSync,
  openSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { Kysely, RawBuilder } from 'kysely';
import { sql } from '../kysely.js';
import type { ImageMediaType } from '../../domain/image-bytes.js';
import type { ContentBytes } from '../content-bytes.js';
import { contentRow, findContentRow } from '../queries/content.js';
import { requireApp } from '../queries/references.js';
import type { Database } from '../schema.js';
import { sqliteSpecifics } from './dialect.js';
import { syncPath } from './sync-path.js';

/** Where the embedded store keeps the bytes of uploaded screenshots, inside its data directory. */
export const CONTENT_DIRECTORY = 'content';
const SHA256_HEX = /^[0-9a-f]{64}$/;

/**
 * The embedded store's screenshot bytes: one file per SHA-256, `<data dir>/content/<first two hex>/<sha256>`,
 * shared by every app that uploaded the same bytes (each has its own `content_blobs` row).
 *
 * A file is written under a temporary name and flushed, then renamed to its name and its directory flushed,
 * so a file under its name is always whole; its row is inserted after, so a row never names a missing file
 * (a crash between the two leaves a file no row names, which costs disk only). The rename and the insert run
 * under SQLite's write lock (BEGIN IMMEDIATE), and so does removing a file once no row names its hash: a
 * removal can never take the file of a row inserted meanwhile.
 */
export function sqliteContentFiles(dataDir: string): ContentBytes {
  const root = resolve(dataDir);
  // The hash reaches a path: only ever 64 lowercase hex digits (contentFile).
  const fileOf = (sha256: string) => contentFile(dataDir, sha256);

  return {
    async put(db, appId, content, bytes) {
      if ((await findContentRow(db, appId, content.sha256)) !== undefined) return 'existing';
      const file = fileOf(content.sha256);
      // The slow part (writing and flushing up to megabytes) before the lock; see below for the rare case.
      let partial = existsSync(file) ? undefined : writePartial(file, bytes, root);
      try {
        return await sqliteSpecifics.writeTransaction(db, async (trx) => {
          await requireApp(trx, appId);
          if ((await findContentRow(trx, appId, content.sha256)) !== undefined) return 'existing';
          if (!existsSync(file)) {
            // Another app's file was there before the lock and has been removed since.
            partial ??= writePartial(file, bytes, root);
            renameSync(partial, file);
            partial = undefined;
            syncPath(dirname(file));
          }
          await trx
            .insertInto('content_blobs')
            .values(contentRow(appId, content, null))
            .execute();
          return 'created';
        });
      } finally {
        if (partial !== undefined) rmSync(partial, { force: true });
      }
    },

    async read(db, appId, sha256) {
      const row = await findContentRow(db, appId, sha256);
      if (row === undefined) return undefined;
      let bytes: Buffer;
      try {
        bytes = await readFile(fileOf(sha256));
      } catch (error) {
        // Its last row was deleted between the two reads.
        if ((error as { code?: string }).code === 'ENOENT') return undefined;
        throw error;
      }
      return {
        mediaType: row.media_type as ImageMediaType,
        width: Number(row.width),
        height: Number(row.height),
        byteLength: Number(row.byte_length),
        bytes,
      };
    },

    async attach(_trx, _appId, sha256, bytes) {
      const file = fileOf(sha256);
      if (existsSync(file)) return;
      renameSync(writePartial(file, bytes, root), file);
      syncPath(dirname(file));
    },

    releaseInTransaction: async () => {},

    releaseAfterCommit: (db, released) =>
      removeUnnamedFiles(
        db,
        dataDir,
        released.map((blob) => blob.sha256),
      ),

    sweepOrphans: (db, before) => sweepOrphanFiles(db, dataDir, before),
  };
}

/**
 * Removes what a crash left in `<data dir>/content/`: temporary files (`.*.partial`) and files whose row was
 * never committed, last written before `before`. A file is renamed to its name and its row inserted under one
 * write lock (sqliteContentFiles), so under that lock a named file without a row is a leftover, never an
 * upload in progress; a snapshot keeps hard links of its own (linkContentFiles), so nothing it names goes.
 */
async function sweepOrphanFiles(db: Kysely<Database>, dataDir: string, before: Date): Promise<number> {
  const root = join(resolve(dataDir), CONTENT_DIRECTORY);
  if (!existsSync(root)) return 0;
  let removed = 0;
  for (const folder of readdirSync(root)) {
    if (!/^[0-9a-f]{2}$/.test(folder)) continue;
    const directory = join(root, folder);
    const old = readdirSync(directory).filter((name) => {
      try {
        return statSync(join(directory, name)).mtimeMs < before.getTime();
      } catch {
        return false;
      }
    });
    const partials = old.filter((name) => name.startsWith('.') && name.endsWith('.partial'));
    for (const name of partials) rmSync(join(directory, name), { force: true });
    removed += partials.length;
    const named = old.filter((name) => SHA256_HEX.test(name));
    if (named.length === 0) continue;
    await sqliteSpecifics.writeTransaction(db, async (trx) => {
      const rows = await trx
        .selectFrom('content_blobs')
        .select('sha256')
        .distinct()
        .where('sha256', 'in', named)
        .execute();
      const kept = new Set(rows.map((row) => row.sha256));
      for (const name of named) {
        if (kept.has(name)) continue;
        rmSync(join(directory, name), { force: true });
        removed++;
      }
    });
  }
  return removed;
}

/** The file of the bytes `sha256` in the data directory `dataDir`. */
function contentFile(dataDir: string, sha256: string): string {
  if (!SHA256_HEX.test(sha256)) throw new TypeError('a content hash is 64 lowercase hex digits');
  return join(resolve(dataDir), CONTENT_DIRECTORY, sha256.slice(0, 2), sha256);
}

/**
 * Removes the files of those of `sha256s` no row names, under the write lock (see sqliteContentFiles): after
 * the transaction that deleted their rows, or a restore that dropped them.
 */
export async function removeUnnamedFiles(
  db: Kysely<Database>,
  dataDir: string,
  sha256s: readonly string[],
): Promise<void> {
  const hashes = [...new Set(sha256s)];
  if (hashes.length === 0) return;
  await sqliteSpecifics.writeTransaction(db, async (trx) => {
    for (const sha256 of hashes) {
      if (await anyRowNames(trx, sha256)) continue;
      rmSync(contentFile(dataDir, sha256), { force: true });
    }
  });
}

/**
 * Hard links to the files of `sha256s` in `directory` (a snapshot's, sqlite/snapshots.ts), made if missing: a
 * link keeps the file's bytes whatever the store deletes afterwards, and costs no copy. A file already gone is
 * skipped.
 */
export function linkContentFiles(dataDir: string, sha256s: readonly string[], directory: string): void {
  mkdirSync(directory, { recursive: true });
  for (const sha256 of new Set(sha256s)) {
    const link = join(directory, sha256);
    if (existsSync(link)) continue;
    try {
      linkSync(contentFile(dataDir, sha256), link);
    } catch (error) {
      if ((error as { code?: string }).code !== 'ENOENT') throw error;
    }
  }
  syncPath(directory);
}

/** Puts back, from a snapshot's `directory`, the files of `sha256s` the store no longer has. */
export function restoreContentFiles(dataDir: string, sha256s: readonly string[], directory: string): void {
  for (const sha256 of new Set(sha256s)) {
    const file = contentFile(dataDir, sha256);
    const kept = join(directory, sha256);
    if (existsSync(file) || !existsSync(kept)) continue;
    mkdirSync(dirname(file), { recursive: true });
    linkSync(kept, file);
    syncPath(dirname(file));
  }
}

/** The hashes every row of `content_blobs` (of `table`, when another database's is meant) names. */
export async function namedHashes(
  db: Kysely<Database>,
  table: RawBuilder<unknown> = sql.table('content_blobs'),
): Promise<string[]> {
  const result = await sql<{ sha256: string }>`select distinct sha256 from ${table}`.execute(db);
  return result.rows.map((row) => row.sha256);
}

/** Whether any app's row names the bytes `sha256`. */
async function anyRowNames(db: Kysely<Database>, sha256: string): Promise<boolean> {
  const row = await db
    .selectFrom('content_blobs')
    .select('app_id')
    .where('sha256', '=', sha256)
    .executeTakeFirst();
  return row !== undefined;
}

/**
 * Writes `bytes` beside `file` under a temporary name, flushed to the disk; the temporary file's path. A
 * folder it has to make is flushed into its parent, up to the data directory `root`.
 */
function writePartial(file: string, bytes: Uint8Array, root: string): string {
  const folder = dirname(file);
  const made = mkdirSync(folder, { recursive: true });
  if (made !== undefined) {
    for (let parent = dirname(folder); parent.startsWith(root); parent = dirname(parent)) {
      syncPath(parent);
      if (parent === root) break;
    }
  }
  const partial = join(folder, `.${randomBytes(6).toString('hex')}.partial`);
  const descriptor = openSync(partial, 'wx');
  try {
    let written = 0;
    while (written < bytes.length) written += writeSync(descriptor, bytes, written);
    fsyncSync(descriptor);
  } finally {
    closeSync(descriptor);
  }
  return partial;
}
