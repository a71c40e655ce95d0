import type { Kysely } from 'kysely';
import { StoreReferenceError } from '../../domain/store-problems.js';
import type { Database } from '../schema.js';
import { raiseDataVersions } from './data-versions.js';
import { chunksFor } from './row-window.js';
import { firstMissing } from './testers.js';

/**
 * Who may test which build (0008): the members of a beta group, the builds of a group, the testers given a
 * build individually. Each changes what a group's or a build's metrics answer, so each raises the app's data
 * version in the caller's write transaction (docs/architecture.md, "Data versions and the page cache").
 */

export async function addTestersToBetaGroup(
  db: Kysely<Database>,
  groupId: string,
  testerIds: readonly string[],
  maxParameters: number,
): Promise<void> {
  const appId = await appOf(db, 'beta_groups', groupId);
  await requireAll(db, 'beta_testers', testerIds, 'tester');
  for (const chunk of chunksFor([...new Set(testerIds)], 2, maxParameters)) {
    await db
      .insertInto('beta_group_testers')
      .values(chunk.map((testerId) => ({ group_id: groupId, tester_id: testerId })))
      .onConflict((conflict) => conflict.columns(['group_id', 'tester_id']).doNothing())
      .execute();
  }
  await raiseDataVersions(db, [appId]);
}

export async function addBuildsToBetaGroup(
  db: Kysely<Database>,
  groupId: string,
  buildIds: readonly string[],
  maxParameters: number,
): Promise<void> {
  const appId = await appOf(db, 'beta_groups', groupId);
  await requireAll(db, 'builds', buildIds, 'build');
  for (const chunk of chunksFor([...new Set(buildIds)], 2, maxParameters)) {
    await db
      .insertInto('beta_group_builds')
      .values(chunk.map((buildId) => ({ group_id: groupId, build_id: buildId })))
      .onConflict((conflict) => conflict.columns(['group_id', 'build_id']).doNothing())
      .execute();
  }
  await raiseDataVersions(db, [appId]);
}

export async function addIndividualTestersToBuild(
  db: Kysely<Database>,
  buildId: string,
  testerIds: readonly string[],
  maxParameters: number,
): Promise<void> {
  const appId = await appOf(db, 'builds', buildId);
  await requireAll(db, 'beta_testers', testerIds, 'tester');
  for (const chunk of chunksFor([...new Set(testerIds)], 2, maxParameters)) {
    await db
      .insertInto('build_individual_testers')
      .values(chunk.map((testerId) => ({ build_id: buildId, tester_id: testerId })))
      .onConflict((conflict) => conflict.columns(['build_id', 'tester_id']).doNothing())
      .execute();
  }
  await raiseDataVersions(db, [appId]);
}

async function appOf(db: Kysely<Database>, table: 'beta_groups' | 'builds', id: string): Promise<string> {
  const row = await db.selectFrom(table).select('app_id').where('id', '=', id).executeTakeFirst();
  if (row === undefined)
    throw new StoreReferenceError(`${table === 'builds' ? 'build' : 'beta group'} ${id}`);
  return row.app_id;
}

async function requireAll(
  db: Kysely<Database>,
  table: 'beta_testers' | 'builds',
  ids: readonly string[],
  what: string,
): Promise<void> {
  const missing = await firstMissing(db, table, ids);
  if (missing !== undefined) throw new StoreReferenceError(`${what} ${missing}`);
}
