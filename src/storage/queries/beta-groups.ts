import type { Kysely, Selectable, Updateable } from 'kysely';
import {
  type BetaGroupChanges,
  type BetaGroupRecord,
  type BetaGroupWithMembers,
  type NewBetaGroupRecord,
  withBetaGroupDefaults,
} from '../../domain/records/beta-group.js';
import type { RowWindow } from '../../domain/row-window.js';
import type { BetaGroupsTable, Database } from '../schema.js';
import { raiseDataVersions } from './data-versions.js';
import { grantBetaAccess } from './group-links.js';
import { appOf, requireApp } from './references.js';
import { applyWindow } from './row-window.js';
import { flag, fromFlag } from './stored-values.js';

/** Who and what a group gives access to: testers and builds of the group's app. */
export interface GroupMembers {
  readonly testerIds?: readonly string[];
  readonly buildIds?: readonly string[];
}

/**
 * Writes a group with its testers and builds; the caller's transaction makes it all or none.
 * StoreReferenceError when the app does not exist, or a tester or build is not of that app.
 */
export async function insertBetaGroup(
  db: Kysely<Database>,
  input: NewBetaGroupRecord,
  members: GroupMembers,
  maxParameters: number,
): Promise<void> {
  const group = withBetaGroupDefaults(input);
  await requireApp(db, group.appId);
  await db
    .insertInto('beta_groups')
    .values({
      id: group.id,
      app_id: group.appId,
      name: group.name,
      is_internal: group.isInternal ? 1 : 0,
      created_at: group.createdAt,
      ...groupColumns(group),
    })
    .execute();
  await grantBetaAccess(db, linksOf(group.id, members), undefined, maxParameters);
  // A new group is new data of its app, members or not: kept answers retire (docs/architecture.md, "Data
  // versions and the page cache").
  await raiseDataVersions(db, [group.appId]);
}

/** Changes a group's attributes; StoreReferenceError when there is no such group. */
export async function updateBetaGroup(
  db: Kysely<Database>,
  id: string,
  changes: BetaGroupChanges,
): Promise<void> {
  const appId = await appOf(db, 'beta_groups', 'beta group', id);
  const columns = groupColumns(changes);
  if (Object.keys(columns).length === 0) return;
  await db.updateTable('beta_groups').set(columns).where('id', '=', id).execute();
  await raiseDataVersions(db, [appId]);
}

/** Adds testers and builds of the group's app to a group; one it has already is a conflict. */
export async function addToBetaGroup(
  db: Kysely<Database>,
  groupId: string,
  members: GroupMembers,
  maxParameters: number,
): Promise<void> {
  await appOf(db, 'beta_groups', 'beta group', groupId);
  await grantBetaAccess(db, linksOf(groupId, members), undefined, maxParameters);
}

/**
 * Deletes a group with its memberships and builds; its testers stay in the app. Its public link's counts stay
 * in public_link_daily (no answer reads them once the group is gone). StoreReferenceError when there is none.
 */
export async function deleteBetaGroup(db: Kysely<Database>, id: string): Promise<void> {
  const appId = await appOf(db, 'beta_groups', 'beta group', id);
  await db.deleteFrom('beta_group_testers').where('group_id', '=', id).execute();
  await db.deleteFrom('beta_group_builds').where('group_id', '=', id).execute();
  await db.deleteFrom('beta_groups').where('id', '=', id).execute();
  await raiseDataVersions(db, [appId]);
}

function linksOf(groupId: string, members: GroupMembers) {
  return {
    groupTesters: (members.testerIds ?? []).map((testerId) => ({ groupId, testerId })),
    groupBuilds: (members.buildIds ?? []).map((buildId) => ({ groupId, buildId })),
  };
}

function groupColumns(group: BetaGroupChanges): Updateable<BetaGroupsTable> {
  const columns: Updateable<BetaGroupsTable> = {
    name: group.name,
    name_key: group.name === undefined ? undefined : nameKey(group.name),
    has_access_to_all_builds: flag(group.hasAccessToAllBuilds),
    public_link_enabled: flag(group.publicLinkEnabled),
    public_link_id: group.publicLinkId,
    public_link_limit_enabled: flag(group.publicLinkLimitEnabled),
    public_link_limit: group.publicLinkLimit,
    public_link: group.publicLink,
    feedback_enabled: flag(group.feedbackEnabled),
    ios_builds_available_for_apple_silicon_mac: flag(group.iosBuildsAvailableForAppleSiliconMac),
    ios_builds_available_for_apple_vision: flag(group.iosBuildsAvailableForAppleVision),
  };
  return Object.fromEntries(Object.entries(columns).filter(([, value]) => value !== undefined));
}

/** What a group's name is unique by within its app (0010): the name lowercased, as a tester's email is. */
export function nameKey(name: string): string {
  return name.toLowerCase();
}

export async function findBetaGroup(
  db: Kysely<Database>,
  id: string,
): Promise<BetaGroupWithMembers | undefined> {
  const rows = await db.selectFrom('beta_groups').selectAll().where('id', '=', id).execute();
  const [group] = await withMembers(db, rows);
  return group;
}

/** An app's groups with their testers and builds, ordered by id. */
export async function listBetaGroups(
  db: Kysely<Database>,
  appId: string,
  window: RowWindow,
): Promise<BetaGroupWithMembers[]> {
  const rows = await applyWindow(
    db.selectFrom('beta_groups').selectAll().where('app_id', '=', appId),
    'id',
    window,
  ).execute();
  return withMembers(db, rows);
}

async function withMembers(
  db: Kysely<Database>,
  rows: ReadonlyArray<Selectable<BetaGroupsTable>>,
): Promise<BetaGroupWithMembers[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((row) => row.id);
  const testers = await db
    .selectFrom('beta_group_testers')
    .select(['group_id', 'tester_id as member'])
    .where('group_id', 'in', ids)
    .orderBy('tester_id')
    .execute();
  const builds = await db
    .selectFrom('beta_group_builds')
    .select(['group_id', 'build_id as member'])
    .where('group_id', 'in', ids)
    .orderBy('build_id')
    .execute();
  const byGroup = (list: ReadonlyArray<{ group_id: string; member: string }>) => {
    const map = new Map<string, string[]>();
    for (const { group_id, member } of list) map.set(group_id, [...(map.get(group_id) ?? []), member]);
    return map;
  };
  const testersOf = byGroup(testers);
  const buildsOf = byGroup(builds);
  return rows.map((row) => ({
    ...toBetaGroupRecord(row),
    testerIds: testersOf.get(row.id) ?? [],
    buildIds: buildsOf.get(row.id) ?? [],
  }));
}

export function toBetaGroupRecord(row: Selectable<BetaGroupsTable>): BetaGroupRecord {
  return {
    id: row.id,
    appId: row.app_id,
    name: row.name,
    isInternal: fromFlag(row.is_internal),
    createdAt: row.created_at,
    hasAccessToAllBuilds: fromFlag(row.has_access_to_all_builds),
    publicLinkEnabled: fromFlag(row.public_link_enabled),
    publicLinkId: row.public_link_id,
    publicLinkLimitEnabled: fromFlag(row.public_link_limit_enabled),
    publicLinkLimit: row.public_link_limit === null ? null : Number(row.public_link_limit),
    publicLink: row.public_link,
    feedbackEnabled: fromFlag(row.feedback_enabled),
    iosBuildsAvailableForAppleSiliconMac: fromFlag(row.ios_builds_available_for_apple_silicon_mac),
    iosBuildsAvailableForAppleVision: fromFlag(row.ios_builds_available_for_apple_vision),
  };
}
