import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import { sql } from '../kysely.js';
import type { SnapshotRecord } from '../../domain/records/snapshot.js';
import { SnapshotProblem } from '../../domain/snapshot-problems.js';
import type { Database } from '../schema.js';
import type { SnapshotAdminStore } from '../snapshot-admin-store.js';
import {
  checkedName,
  migrationNames,
  refuseOtherMigrations,
  replaceRows,
  SNAPSHOT_TABLES,
} from '../snapshot-tables.js';
import { postgresSpecifics } from './dialect.js';

/** Every snapshot schema's name starts so (`\dn bm_snapshot_*` lists them). */
export const SNAPSHOT_SCHEMA_PREFIX = 'bm_snapshot_';
/** The copy of the store's `kysely_migration` a snapshot keeps, not named so: Kysely's migrator looks for that name. */
const SAVED_MIGRATIONS = 'snapshot_migrations';

/** What a snapshot schema's comment holds (JSON): whose snapshot it is, its name, when it was saved. */
interface SnapshotComment {
  readonly store: string;
  readonly name: string;
  readonly savedAt: string;
}

/**
 * Snapshots of a PostgreSQL store: one schema per snapshot in the store's own database, holding a copy of each
 * table (`CREATE TABLE ... AS TABLE`: rows only, no keys or indexes, which a restore does not need) and of the
 * migrations the store had run.
 *
 * Schemas, not template databases: `CREATE DATABASE ... TEMPLATE` refuses while any session is connected to
 * the template, and servers stay connected; a template would also copy every other store of the database
 * (several stores share one database, a schema each: `store` is this one's, `current_schema()`). A
 * snapshot's schema is `bm_snapshot_` and a hash of the store's schema and the name: PostgreSQL's names stop
 * at 63 bytes, which a store's schema and a 64-character name together can pass, and two stores of one
 * database must not share a snapshot. The name, the store and the time of saving are in the schema's comment,
 * which is what `listSnapshots` reads.
 *
 * Saving reads every table in one REPEATABLE READ transaction, so the copy is consistent while writers go
 * on. Restoring is one transaction: TRUNCATE of every table of the store (one statement; other sessions'
 * statements on them wait for its commit, then read the restored rows), then the snapshot's rows; a deadlock
 * with a concurrent writer is retried as every write is (dialect.ts).
 */
export function postgresSnapshotAdmin(db: Kysely<Database>, store: string): SnapshotAdminStore {
  const schemaOf = (name: string) =>
    `${SNAPSHOT_SCHEMA_PREFIX}${createHash('sha256')
      .update(`${store}\n${checkedName(name)}`)
      .digest('hex')
      .slice(0, 32)}`;

  return {
    async saveSnapshot(name, { replace }) {
      const schema = schemaOf(name);
      const comment: SnapshotComment = { store, name, savedAt: new Date().toISOString() };
      try {
        await db
          .transaction()
          .setIsolationLevel('repeatable read')
          .execute(async (trx) => {
            if ((await commentOf(trx, schema)) !== undefined) {
              if (!replace) throw new SnapshotProblem('exists', name);
              await sql`drop schema ${sql.id(schema)} cascade`.execute(trx);
            }
            await sql`create schema ${sql.id(schema)}`.execute(trx);
            for (const table of SNAPSHOT_TABLES) {
              await sql`create table ${sql.id(schema, table)} as table ${sql.id(store, table)}`.execute(trx);
            }
            await sql`create table ${sql.id(schema, SAVED_MIGRATIONS)} as select name from ${sql.id(store, 'kysely_migration')}`.execute(
              trx,
            );
            await saveContentBytes(trx, store, schema);
            await sql`comment on schema ${sql.id(schema)} is ${sql.lit(JSON.stringify(comment))}`.execute(
              trx,
            );
          });
      } catch (error) {
        // duplicate_schema: another save of the same name committed first.
        if ((error as { code?: string }).code === '42P06') throw new SnapshotProblem('exists', name);
        throw error;
      }
      return { name, savedAt: comment.savedAt };
    },

    async restoreSnapshot(name) {
      const schema = schemaOf(name);
      return postgresSpecifics.writeTransaction(db, async (trx) => {
        const comment = await commentOf(trx, schema);
        if (comment === undefined) throw new SnapshotProblem('unknown', name);
        refuseOtherMigrations(
          name,
          await migrationNames(trx, sql.id(schema, SAVED_MIGRATIONS)),
          await migrationNames(trx, sql.id(store, 'kysely_migration')),
        );
        const before = await largeObjectsOf(trx, store);
        await replaceRows(
          trx,
          (table) => sql.id(schema, table),
          async (tables) => {
            await sql`truncate ${sql.join(tables.map((table) => sql.id(store, table)))}`.execute(trx);
          },
        );
        await restoreContentBytes(trx, store, schema, before);
        return { name, savedAt: comment.savedAt };
      });
    },

    async listSnapshots() {
      const result = await sql<{ comment: string | null }>`
        select obj_description(oid, 'pg_namespace') as comment from pg_namespace
        where starts_with(nspname, ${SNAPSHOT_SCHEMA_PREFIX})
      `.execute(db);
      const snapshots: SnapshotRecord[] = [];
      for (const row of result.rows) {
        const comment = parseComment(row.comment);
        if (comment?.store === store) snapshots.push({ name: comment.name, savedAt: comment.savedAt });
      }
      return snapshots.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    },

    async deleteSnapshot(name) {
      const schema = schemaOf(name);
      await db.transaction().execute(async (trx) => {
        if ((await commentOf(trx, schema)) === undefined) throw new SnapshotProblem('unknown', name);
        await sql`drop schema ${sql.id(schema)} cascade`.execute(trx);
      });
    },
  };
}

/** The table of a snapshot that keeps the bytes of its screenshots, by the oid its `content_blobs` rows name. */
const SAVED_BYTES = 'content_bytes';

/**
 * Keeps a copy of every screenshot's bytes in the snapshot (docs/feedback-content.md, "Lifecycle": snapshots keep
 * the bytes they name): large objects are not in any schema, and the store deletes them with their rows, so a
 * snapshot holding only the oids could not give the bytes back.
 */
async function saveContentBytes(trx: Kysely<Database>, store: string, schema: string): Promise<void> {
  await sql`
    create table ${sql.id(schema, SAVED_BYTES)} as
    select large_object, lo_get(large_object::oid) as bytes from ${sql.id(store, 'content_blobs')}
    where large_object is not null
  `.execute(trx);
}

/** The large objects the store's rows name. */
async function largeObjectsOf(trx: Kysely<Database>, store: string): Promise<string[]> {
  const result = await sql<{ oid: string }>`
    select large_object::text as oid from ${sql.id(store, 'content_blobs')} where large_object is not null
  `.execute(trx);
  return result.rows.map((row) => row.oid);
}

/**
 * After a restore's rows are in: every row's large object as saved (made again under its own oid when it was
 * deleted since, or under a new one when that oid now holds other bytes), and the large objects of the rows
 * the restore dropped (`before`, not named any more) unlinked.
 */
async function restoreContentBytes(
  trx: Kysely<Database>,
  store: string,
  schema: string,
  before: readonly string[],
): Promise<void> {
  const saved = sql.id(schema, SAVED_BYTES);
  const blobs = sql.id(store, 'content_blobs');
  await sql`
    update ${blobs} as blob set large_object = lo_from_bytea(0, saved.bytes)
    from ${saved} as saved
    where blob.large_object = saved.large_object
      -- CASE, so lo_get never reads an object that is gone (AND does not promise an order).
      and case
        when exists (select 1 from pg_largeobject_metadata m where m.oid = saved.large_object::oid)
        then lo_get(saved.large_object::oid) <> saved.bytes
        else false
      end
  `.execute(trx);
  await sql`
    select lo_from_bytea(saved.large_object::oid, saved.bytes) from ${saved} as saved
    where not exists (select 1 from pg_largeobject_metadata m where m.oid = saved.large_object::oid)
  `.execute(trx);
  if (before.length === 0) return;
  await sql`
    select lo_unlink(m.oid) from pg_largeobject_metadata m
    where m.oid = any(${before}::oid[])
      and not exists (select 1 from ${blobs} as blob where blob.large_object = m.oid::bigint)
  `.execute(trx);
}

/** The comment of the snapshot schema `schema`, or undefined when there is no such schema. */
async function commentOf(db: Kysely<Database>, schema: string): Promise<SnapshotComment | undefined> {
  const result = await sql<{ comment: string | null }>`
    select obj_description(oid, 'pg_namespace') as comment from pg_namespace where nspname = ${schema}
  `.execute(db);
  const row = result.rows[0];
  return row === undefined ? undefined : parseComment(row.comment);
}

function parseComment(text: string | null): SnapshotComment | undefined {
  if (text === null) return undefined;
  try {
    const value = JSON.parse(text) as Partial<SnapshotComment>;
    const { store, name, savedAt } = value;
    if (typeof store !== 'string' || typeof name !== 'string' || typeof savedAt !== 'string')
      return undefined;
    return { store, name, savedAt };
  } catch {
    return undefined;
  }
}
