import type { Kysely } from 'kysely';
import { StoreReferenceError, type StoreRowKind } from '../../domain/store-problems.js';
import type { Database } from '../schema.js';
import { testersOfApp } from './ingestion.js';
import { chunksFor } from './row-window.js';

/**
 * The checks a write of the TestFlight resources makes before it writes, inside its transaction: every row it
 * names exists and belongs to the same app. A failed check is a StoreReferenceError naming the row (the
 * foreign keys would catch a missing row too, but as a different error per backend and not a wrong app).
 */

/** The tables of rows that belong to an app, and the kind of row each holds. */
export type AppRowTable = 'builds' | 'pre_release_versions' | 'beta_groups' | 'beta_crash_logs';
export const KIND_OF_TABLE: Readonly<Record<AppRowTable, StoreRowKind>> = {
  builds: 'build',
  pre_release_versions: 'preReleaseVersion',
  beta_groups: 'betaGroup',
  beta_crash_logs: 'crashLog',
};

export async function requireApp(db: Kysely<Database>, appId: string): Promise<void> {
  const row = await db.selectFrom('apps').select('id').where('id', '=', appId).executeTakeFirst();
  if (row === undefined) throw new StoreReferenceError(`app ${appId}`, { kind: 'app', id: appId });
}

/** Every one of `ids` is a row of `table` of app `appId`; `what` names one in the error ("build"). */
export async function requireOfApp(
  db: Kysely<Database>,
  table: AppRowTable,
  what: string,
  appId: string,
  ids: readonly string[],
): Promise<void> {
  const wanted = [...new Set(ids)];
  const found = new Set<string>();
  for (const chunk of chunksFor(wanted, 1, 10_000)) {
    const rows = await db
      .selectFrom(table)
      .select('id')
      .where('app_id', '=', appId)
      .where('id', 'in', chunk)
      .execute();
    for (const row of rows) found.add(row.id);
  }
  const missing = wanted.find((id) => !found.has(id));
  if (missing !== undefined)
    throw new StoreReferenceError(
      `${what} ${missing} of app ${appId}`,
      { kind: KIND_OF_TABLE[table], id: missing },
      { kind: 'app', id: appId },
    );
}

/** Every one of `testerIds` is a tester of app `appId` (in any state). */
export async function requireTestersOfApp(
  db: Kysely<Database>,
  appId: string,
  testerIds: readonly string[],
): Promise<void> {
  if (testerIds.length === 0) return;
  const members = await testersOfApp(db, appId, testerIds);
  const missing = testerIds.find((id) => !members.has(id));
  if (missing !== undefined)
    throw new StoreReferenceError(
      `tester ${missing} in app ${appId}`,
      { kind: 'tester', id: missing },
      { kind: 'app', id: appId },
    );
}

/** The app a row of `table` belongs to; StoreReferenceError when there is no such row. */
export async function appOf(
  db: Kysely<Database>,
  table: 'builds' | 'beta_groups',
  what: string,
  id: string,
): Promise<string> {
  const row = await db.selectFrom(table).select('app_id').where('id', '=', id).executeTakeFirst();
  if (row === undefined) throw new StoreReferenceError(`${what} ${id}`, { kind: KIND_OF_TABLE[table], id });
  return row.app_id;
}

/** The app of each of `ids` that is a row of `table` (absent: no such row), in reads of at most 10,000 ids. */
export async function appsOfRows(
  db: Kysely<Database>,
  table: 'builds' | 'beta_groups',
  ids: readonly string[],
): Promise<Map<string, string>> {
  const apps = new Map<string, string>();
  for (const chunk of chunksFor([...new Set(ids)], 1, 10_000)) {
    const rows = await db.selectFrom(table).select(['id', 'app_id']).where('id', 'in', chunk).execute();
    for (const row of rows) apps.set(row.id, row.app_id);
  }
  return apps;
}
