import { randomBytes } from 'node:crypto';
import {
  existsSync,
  linkSync,
  mkdirSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  unlinkSync,
} from 'node:fs';
import { join, resolve } from 'node:path';
import type { Kysely } from 'kysely';
import { sql } from '../kysely.js';
import type { SnapshotRecord } from '../../domain/records/snapshot.js';
import { SnapshotProblem } from '../../domain/snapshot-problems.js';
import type { Database } from '../schema.js';
import type { SnapshotAdminStore } from '../snapshot-admin-store.js';
import { checkedName, migrationNames, refuseOtherMigrations, replaceRows } from '../snapshot-tables.js';
import { linkContentFiles, namedHashes, removeUnnamedFiles, restoreContentFiles } from './content-files.js';
import { sqliteSpecifics } from './dialect.js';
import { syncPath } from './sync-path.js';

/** Where the embedded store keeps its snapshots, inside its data directory. */
export const SNAPSHOT_DIRECTORY = 'snapshots';
/** The schema name a snapshot file is attached under while it is restored. */
const ATTACHED = 'bm_snapshot';
/** The schema name a snapshot being saved is attached under while the files it names are linked. */
const SAVING = 'bm_snapshot_saving';
const SNAPSHOT_FILE = /^([A-Za-z0-9_-]{1,64})\.db$/;

/**
 * Snapshots of the embedded store: one SQLite file each, `<data dir>/snapshots/<name>.db`, a copy of the whole
 * database (Kysely's migration table included, which the restore compares and never copies back), and beside
 * it `<name>.content/`, hard links to the screenshot files its rows name, so the store deleting them afterwards
 * (docs/feedback-content.md, "Lifecycle") takes nothing from the snapshot; a restore links back those the store
 * lacks and removes the files of the rows it dropped.
 *
 * Saving is `VACUUM INTO`, which writes one consistent read of the database while writers go on (WAL), to a
 * file of its own name first: synced, then moved to its name, so a snapshot is never seen half-written.
 *
 * Restoring runs on the store's own connection, so a server holding it keeps it: the snapshot is attached,
 * every table's rows are replaced in one IMMEDIATE transaction (the write lock from its first statement;
 * other processes wait for it up to busy_timeout, and read the old rows until it commits: WAL), and the file
 * is detached. `db` is the store's connection: better-sqlite3's one connection behind Kysely's mutex, which
 * `connection()` holds from ATTACH to DETACH so no other query of this process runs between them.
 */
export function sqliteSnapshotAdmin(db: Kysely<Database>, dataDir: string): SnapshotAdminStore {
  const directory = join(resolve(dataDir), SNAPSHOT_DIRECTORY);
  const fileOf = (name: string) => join(directory, `${checkedName(name)}.db`);

  return {
    async saveSnapshot(name, { replace }) {
      const file = fileOf(name);
      if (!replace && existsSync(file)) throw new SnapshotProblem('exists', name);
      mkdirSync(directory, { recursive: true });
      const stem = join(directory, `.${name}.${randomBytes(6).toString('hex')}`);
      const partial = `${stem}.partial`;
      const partialContent = `${stem}.content.partial`;
      try {
        // The files of the screenshots the snapshot names, linked before VACUUM INTO and again after it
        // (keepContent): a file the store deletes meanwhile is still linked in the snapshot.
        await sqliteSpecifics.writeTransaction(db, async (trx) =>
          linkContentFiles(dataDir, await namedHashes(trx), partialContent),
        );
        await sql`vacuum into ${partial}`.execute(db);
        syncPath(partial);
        await keepContent(db, dataDir, partial, partialContent);
        // The content first: a snapshot file is never seen without the files it names.
        const content = contentOf(file);
        rmSync(content, { recursive: true, force: true });
        renameSync(partialContent, content);
        if (replace) renameSync(partial, file);
        else {
          // A link fails when the name exists, where a rename would replace it: a save that raced another
          // to the same name is refused instead of replacing it unasked.
          try {
            linkSync(partial, file);
          } catch (error) {
            if ((error as { code?: string }).code === 'EEXIST') throw new SnapshotProblem('exists', name);
            throw error;
          }
        }
        syncPath(directory);
      } finally {
        rmSync(partial, { force: true });
        rmSync(partialContent, { recursive: true, force: true });
      }
      return record(name, file);
    },

    async restoreSnapshot(name) {
      const file = fileOf(name);
      if (!existsSync(file)) throw new SnapshotProblem('unknown', name);
      let before: string[] = [];
      await db.connection().execute(async (connection) => {
        // ATTACH and DETACH are refused inside a transaction: around it, on the connection held throughout.
        await sql`attach database ${file} as ${sql.id(ATTACHED)}`.execute(connection);
        try {
          await sql`begin immediate`.execute(connection);
          try {
            refuseOtherMigrations(
              name,
              await migrationNames(connection, sql.id(ATTACHED, 'kysely_migration')),
              await migrationNames(connection, sql.id('main', 'kysely_migration')),
            );
            before = await namedHashes(connection);
            await replaceRows(
              connection,
              (table) => sql.id(ATTACHED, table),
              async (tables) => {
                for (const table of tables)
                  await sql`delete from ${sql.id('main', table)}`.execute(connection);
              },
            );
            // The files the restored rows name that the store deleted since the save, from the snapshot's links.
            restoreContentFiles(dataDir, await namedHashes(connection), contentOf(file));
            await sql`commit`.execute(connection);
          } catch (error) {
            await sql`rollback`.execute(connection);
            throw error;
          }
        } finally {
          await sql`detach database ${sql.id(ATTACHED)}`.execute(connection);
        }
      });
      // The files of the rows the restore dropped, once it committed (content-files.ts).
      await removeUnnamedFiles(db, dataDir, before);
      return record(name, file);
    },

    async listSnapshots() {
      let names: string[];
      try {
        names = readdirSync(directory);
      } catch (error) {
        if ((error as { code?: string }).code === 'ENOENT') return [];
        throw error;
      }
      return names
        .map((entry) => SNAPSHOT_FILE.exec(entry)?.[1])
        .filter((name): name is string => name !== undefined)
        .sort()
        .map((name) => record(name, join(directory, `${name}.db`)));
    },

    async deleteSnapshot(name) {
      try {
        unlinkSync(fileOf(name));
        rmSync(contentOf(fileOf(name)), { recursive: true, force: true });
      } catch (error) {
        if ((error as { code?: string }).code === 'ENOENT') throw new SnapshotProblem('unknown', name);
        throw error;
      }
    },
  };
}

/** Where a snapshot keeps hard links to the screenshot files its rows name: `<name>.content` beside `<name>.db`. */
function contentOf(snapshotFile: string): string {
  return snapshotFile.replace(/\.db$/, '.content');
}

/**
 * Links the files the snapshot database `partial` names into `content`, under the write lock: no file the
 * vacuumed rows name is removed while they are read and linked (content-files.ts removes files under it).
 */
async function keepContent(db: Kysely<Database>, dataDir: string, partial: string, content: string) {
  await db.connection().execute(async (connection) => {
    await sql`attach database ${partial} as ${sql.id(SAVING)}`.execute(connection);
    try {
      await sql`begin immediate`.execute(connection);
      try {
        linkContentFiles(dataDir, await namedHashes(connection, sql.id(SAVING, 'content_blobs')), content);
        await sql`commit`.execute(connection);
      } catch (error) {
        await sql`rollback`.execute(connection);
        throw error;
      }
    } finally {
      await sql`detach database ${sql.id(SAVING)}`.execute(connection);
    }
  });
}

/** A snapshot file's record: it was saved when its file was last written. */
function record(name: string, file: string): SnapshotRecord {
  return { name, savedAt: statSync(file).mtime.toISOString() };
}
