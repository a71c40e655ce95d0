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
  unlinkSync,
} from 'node:fs';
import { join, resolve } from 'node:path';
import { type Kysely, sql } from 'kysely';
import type { SnapshotRecord } from '../../domain/records/snapshot.js';
import { SnapshotProblem } from '../../domain/snapshot-problems.js';
import type { Database } from '../schema.js';
import type { SnapshotAdminStore } from '../snapshot-admin-store.js';
import { checkedName, migrationNames, refuseOtherMigrations, replaceRows } from '../snapshot-tables.js';

/** Where the embedded store keeps its snapshots, inside its data directory. */
export const SNAPSHOT_DIRECTORY = 'snapshots';
/** The schema name a snapshot file is attached under while it is restored. */
const ATTACHED = 'bm_snapshot';
const SNAPSHOT_FILE = /^([A-Za-z0-9_-]{1,64})\.db$/;

/**
 * Snapshots of the embedded store: one SQLite file each, `<data dir>/snapshots/<name>.db`, a copy of the whole
 * database (Kysely's migration table included, which the restore compares and never copies back).
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
      const partial = join(directory, `.${name}.${randomBytes(6).toString('hex')}.partial`);
      try {
        await sql`vacuum into ${partial}`.execute(db);
        syncPath(partial);
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
      }
      return record(name, file);
    },

    async restoreSnapshot(name) {
      const file = fileOf(name);
      if (!existsSync(file)) throw new SnapshotProblem('unknown', name);
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
            await replaceRows(
              connection,
              (table) => sql.id(ATTACHED, table),
              async (tables) => {
                for (const table of tables)
                  await sql`delete from ${sql.id('main', table)}`.execute(connection);
              },
            );
            await sql`commit`.execute(connection);
          } catch (error) {
            await sql`rollback`.execute(connection);
            throw error;
          }
        } finally {
          await sql`detach database ${sql.id(ATTACHED)}`.execute(connection);
        }
      });
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
      } catch (error) {
        if ((error as { code?: string }).code === 'ENOENT') throw new SnapshotProblem('unknown', name);
        throw error;
      }
    },
  };
}

/** A snapshot file's record: it was saved when its file was last written. */
function record(name: string, file: string): SnapshotRecord {
  return { name, savedAt: statSync(file).mtime.toISOString() };
}

/** Flushes a file, or a directory's entries, to the disk. */
export function syncPath(path: string): void {
  const descriptor = openSync(path, 'r');
  try {
    fsyncSync(descriptor);
  } finally {
    closeSync(descriptor);
  }
}
