import type { Kysely, RawBuilder } from 'kysely';
import { sql } from './kysely.js';
import { isSnapshotName } from '../domain/snapshot-name.js';
import { SnapshotProblem } from '../domain/snapshot-problems.js';
import { COPIED_TABLES, type TableName } from './copy-store.js';
import { dataVersionsBefore, renewDataVersions } from './queries/data-versions.js';
import type { Database } from './schema.js';

/**
 * What both backends' snapshots share (sqlite/snapshots.ts, postgres/snapshots.ts): which tables a snapshot
 * holds, and how a restore replaces their rows.
 *
 * A snapshot holds every table of the store: COPIED_TABLES, which lists every table of `Database`
 * (schema.ts), parents before children. Kysely's own tables (`kysely_migration`, `kysely_migration_lock`) are
 * left out on purpose: they say which migrations the store has run, and a restore must never change that. The
 * snapshot's own list of migrations is kept beside its tables instead, and a restore is refused when it
 * differs from the store's: the snapshot's tables are then not the store's (a column added since), and
 * `insert ... select *` would put values in the wrong columns or fail half-way.
 */
export const SNAPSHOT_TABLES: readonly TableName[] = COPIED_TABLES;

/**
 * Replaces the rows of every table of the store with the snapshot's, inside the caller's write transaction
 * `trx`: `clear` empties the store's tables (given children first, so foreign keys hold at each step), then
 * each table takes its snapshot's rows in the store's parents-first order, and every app's data version is
 * renewed (queries/data-versions.ts). `snapshotTable` names a table of the snapshot (`"bm_snapshot"."apps"`).
 */
export async function replaceRows(
  trx: Kysely<Database>,
  snapshotTable: (table: TableName) => RawBuilder<unknown>,
  clear: (tablesChildrenFirst: readonly TableName[]) => Promise<void>,
): Promise<void> {
  const before = await dataVersionsBefore(trx);
  await clear([...SNAPSHOT_TABLES].reverse());
  for (const table of SNAPSHOT_TABLES) {
    await sql`insert into ${sql.table(table)} select * from ${snapshotTable(table)}`.execute(trx);
  }
  await renewDataVersions(trx, before);
}

/** Refuses a restore of snapshot `name` whose migrations (`saved`) are not the store's (`current`). */
export function refuseOtherMigrations(
  name: string,
  saved: readonly string[],
  current: readonly string[],
): void {
  const missing = current.filter((migration) => !saved.includes(migration));
  const extra = saved.filter((migration) => !current.includes(migration));
  if (missing.length === 0 && extra.length === 0) return;
  const parts = [
    missing.length > 0 && `saved before the migrations ${missing.join(', ')}`,
    extra.length > 0 && `saved after the migrations ${extra.join(', ')}, which this store lacks`,
  ].filter((part): part is string => part !== false);
  throw new SnapshotProblem('incompatible', name, parts.join('; '));
}

/** The names of the migrations in a `kysely_migration` table (or a copy of one), in order. */
export async function migrationNames(db: Kysely<Database>, table: RawBuilder<unknown>): Promise<string[]> {
  const result = await sql<{ name: string }>`select name from ${table} order by name`.execute(db);
  return result.rows.map((row) => row.name);
}

/** Refuses a name that breaks domain/snapshot-name.ts's rule: it reaches a file name and SQL. */
export function checkedName(name: string): string {
  if (!isSnapshotName(name)) throw new SnapshotProblem('name', name);
  return name;
}
