import { randomBytes } from 'node:crypto';
import {
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { Kysely } from 'kysely';
import type { ImageMediaType } from '../../domain/image-bytes.js';
import type { ContentBytes } from '../content-bytes.js';
import { contentRow, findContentRow } from '../queries/content.js';
import { requireApp } from '../queries/references.js';
import type { Database } from '../schema.js';
import { sqliteSpecifics } from './dialect.js';
import { syncPath } from './snapshots.js';

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
  const directory = join(root, CONTENT_DIRECTORY);
  const fileOf = (sha256: string) => {
    // The hash reaches a path: only ever 64 lowercase hex digits.
    if (!SHA256_HEX.test(sha256)) throw new TypeError('a content hash is 64 lowercase hex digits');
    return join(directory, sha256.slice(0, 2), sha256);
  };

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

    async releaseAfterCommit(db, released) {
      const hashes = [...new Set(released.map((blob) => blob.sha256))];
      if (hashes.length === 0) return;
      await sqliteSpecifics.writeTransaction(db, async (trx) => {
        for (const sha256 of hashes) {
          if (await anyRowNames(trx, sha256)) continue;
          rmSync(fileOf(sha256), { force: true });
        }
      });
    },
  };
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
