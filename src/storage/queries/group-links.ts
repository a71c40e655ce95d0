import type { Kysely } from 'kysely';
import { sql } from '../kysely.js';
import type { BetaAccess } from '../../domain/records/beta-access.js';
import { StoreConflictError, StoreReferenceError, type StoreRowKind } from '../../domain/store-problems.js';
import type { Database } from '../schema.js';
import { raiseDataVersions } from './data-versions.js';
import { testersOfApp } from './ingestion.js';
import { appsOfRows } from './references.js';
import { chunksFor } from './row-window.js';
import { firstMissing, insertMemberships } from './testers.js';

/**
 * The writes of BetaAccess (domain/records/beta-access.ts). Every write of these links goes through here (a
 * group's or a build's own, a tester's, a build's groups: Apple's relationship writes from either side), so each
 * one raises the data version of every app it touches: a group's members and builds decide what its metrics and
 * its builds' `inviteCount` answer (docs/architecture.md, "Data versions and the page cache").
 */

type LinkName = keyof BetaAccess;
type LinkTable = 'beta_group_testers' | 'beta_group_builds' | 'build_individual_testers';

/** A side of a link: its column, and the kind of the rows it names. */
interface LinkSide {
  readonly column: 'group_id' | 'tester_id' | 'build_id';
  readonly kind: StoreRowKind;
  /** How a message names such a row. */
  readonly what: string;
}

const GROUP: LinkSide = { column: 'group_id', kind: 'betaGroup', what: 'beta group' };
const TESTER: LinkSide = { column: 'tester_id', kind: 'tester', what: 'tester' };
const BUILD: LinkSide = { column: 'build_id', kind: 'build', what: 'build' };

/** Each link: its table, the row that holds it (of the app) and its member, and what a repeat of it is. */
const LINKS: Readonly<
  Record<LinkName, { table: LinkTable; holder: LinkSide; member: LinkSide; conflict: string }>
> = {
  groupTesters: {
    table: 'beta_group_testers',
    holder: GROUP,
    member: TESTER,
    conflict: 'this tester in this beta group',
  },
  groupBuilds: {
    table: 'beta_group_builds',
    holder: GROUP,
    member: BUILD,
    conflict: 'this build in this beta group',
  },
  buildTesters: {
    table: 'build_individual_testers',
    holder: BUILD,
    member: TESTER,
    conflict: 'this tester on this build',
  },
};
const LINK_NAMES = Object.keys(LINKS) as LinkName[];

interface Pair {
  readonly holder: string;
  readonly member: string;
}

/** The pairs of each link, each once. */
function pairsOf(access: BetaAccess): Record<LinkName, Pair[]> {
  const unique = (pairs: Pair[]) => [...new Map(pairs.map((pair) => [pairKey(pair), pair])).values()];
  return {
    groupTesters: unique((access.groupTesters ?? []).map((l) => ({ holder: l.groupId, member: l.testerId }))),
    groupBuilds: unique((access.groupBuilds ?? []).map((l) => ({ holder: l.groupId, member: l.buildId }))),
    buildTesters: unique((access.buildTesters ?? []).map((l) => ({ holder: l.buildId, member: l.testerId }))),
  };
}

/** The rows every pair names exist: the app of each group and build, and the testers' ids. */
async function namedRows(db: Kysely<Database>, pairs: Record<LinkName, Pair[]>) {
  const ids = (side: LinkSide) =>
    LINK_NAMES.flatMap((name) => [
      ...(LINKS[name].holder === side ? pairs[name].map((pair) => pair.holder) : []),
      ...(LINKS[name].member === side ? pairs[name].map((pair) => pair.member) : []),
    ]);
  const appOf = {
    betaGroup: await appsOfRows(db, 'beta_groups', ids(GROUP)),
    build: await appsOfRows(db, 'builds', ids(BUILD)),
  };
  for (const side of [GROUP, BUILD]) {
    const known = side === GROUP ? appOf.betaGroup : appOf.build;
    const missing = ids(side).find((id) => !known.has(id));
    if (missing !== undefined)
      throw new StoreReferenceError(`${side.what} ${missing}`, { kind: side.kind, id: missing });
  }
  const tester = await firstMissing(db, 'beta_testers', ids(TESTER));
  if (tester !== undefined) throw new StoreReferenceError(`tester ${tester}`, { kind: 'tester', id: tester });
  return (side: LinkSide, id: string): string => {
    const app = (side === GROUP ? appOf.betaGroup : appOf.build).get(id);
    if (app === undefined) throw new Error(`${side.what} ${id} was read without its app`);
    return app;
  };
}

/**
 * Adds the links, all or none, in the caller's transaction. StoreReferenceError when a group, build or tester
 * does not exist, a build is of another app than its group, or (without `invitedAt`) a tester is not in the app
 * of their group or build; with `invitedAt`, such a tester joins that app, INVITED then (Apple's: adding a
 * tester to a group or a build invites them). StoreConflictError when a link exists already.
 */
export async function grantBetaAccess(
  db: Kysely<Database>,
  access: BetaAccess,
  invitedAt: string | undefined,
  maxParameters: number,
): Promise<void> {
  const pairs = pairsOf(access);
  const appOf = await namedRows(db, pairs);
  for (const { holder, member } of pairs.groupBuilds) {
    const groupApp = appOf(GROUP, holder);
    if (appOf(BUILD, member) !== groupApp)
      throw new StoreReferenceError(
        `build ${member} of app ${groupApp}`,
        { kind: 'build', id: member },
        { kind: 'betaGroup', id: holder },
      );
  }
  await joinApps(db, pairs, appOf, invitedAt, maxParameters);
  for (const name of LINK_NAMES) {
    const link = LINKS[name];
    const taken = await firstLinked(db, name, pairs[name], maxParameters);
    if (taken !== undefined)
      throw new StoreConflictError(
        link.conflict,
        { kind: link.member.kind, id: taken.member },
        { kind: link.holder.kind, id: taken.holder },
      );
    for (const chunk of chunksFor(pairs[name], 2, maxParameters)) {
      await sql`insert into ${sql.table(link.table)} (${sql.ref(link.holder.column)}, ${sql.ref(link.member.column)})
        values ${sql.join(chunk.map((pair) => sql`(${pair.holder}, ${pair.member})`))}`.execute(db);
    }
  }
  await raiseDataVersions(db, appsOfPairs(pairs, appOf));
}

/** Removes the links, all or none, in the caller's transaction: a pair not linked is left alone. */
export async function withdrawBetaAccess(
  db: Kysely<Database>,
  access: BetaAccess,
  maxParameters: number,
): Promise<void> {
  const pairs = pairsOf(access);
  const appOf = await namedRows(db, pairs);
  for (const name of LINK_NAMES) {
    const link = LINKS[name];
    for (const [holder, members] of byHolder(pairs[name])) {
      for (const chunk of chunksFor(members, 1, maxParameters - 1)) {
        await sql`delete from ${sql.table(link.table)}
          where ${sql.ref(link.holder.column)} = ${holder}
          and ${sql.ref(link.member.column)} in (${sql.join(chunk)})`.execute(db);
      }
    }
  }
  await raiseDataVersions(db, appsOfPairs(pairs, appOf));
}

/** The apps whose groups and builds the pairs name. */
function appsOfPairs(pairs: Record<LinkName, Pair[]>, appOf: (side: LinkSide, id: string) => string) {
  return LINK_NAMES.flatMap((name) => pairs[name].map((pair) => appOf(LINKS[name].holder, pair.holder)));
}

/** Every tester of a pair is in the app of its group or build: joins it with `invitedAt`, else refused. */
async function joinApps(
  db: Kysely<Database>,
  pairs: Record<LinkName, Pair[]>,
  appOf: (side: LinkSide, id: string) => string,
  invitedAt: string | undefined,
  maxParameters: number,
): Promise<void> {
  const testersByApp = new Map<string, Set<string>>();
  for (const name of ['groupTesters', 'buildTesters'] as const) {
    for (const { holder, member } of pairs[name]) {
      const app = appOf(LINKS[name].holder, holder);
      testersByApp.set(app, (testersByApp.get(app) ?? new Set()).add(member));
    }
  }
  for (const [appId, testers] of [...testersByApp].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const members = await testersOfApp(db, appId, [...testers]);
    const outside = [...testers].filter((id) => !members.has(id)).sort();
    const [first] = outside;
    if (first === undefined) continue;
    if (invitedAt === undefined)
      throw new StoreReferenceError(
        `tester ${first} in app ${appId}`,
        { kind: 'tester', id: first },
        { kind: 'app', id: appId },
      );
    await insertMemberships(
      db,
      outside.map((testerId) => ({ appId, testerId, state: 'INVITED', invitedAt })),
      maxParameters,
    );
  }
}

/** The first of `pairs` that is linked already, in their order. */
async function firstLinked(
  db: Kysely<Database>,
  name: LinkName,
  pairs: readonly Pair[],
  maxParameters: number,
): Promise<Pair | undefined> {
  const link = LINKS[name];
  const linked = new Set<string>();
  for (const [holder, members] of byHolder(pairs)) {
    for (const chunk of chunksFor(members, 1, maxParameters - 1)) {
      const rows = await sql<{ member: string }>`select ${sql.ref(link.member.column)} as member
        from ${sql.table(link.table)}
        where ${sql.ref(link.holder.column)} = ${holder}
        and ${sql.ref(link.member.column)} in (${sql.join(chunk)})`.execute(db);
      for (const row of rows.rows) linked.add(pairKey({ holder, member: row.member }));
    }
  }
  return pairs.find((pair) => linked.has(pairKey(pair)));
}

function pairKey(pair: Pair): string {
  return `${pair.holder}\u0000${pair.member}`;
}

/** The members of each holder, holders in the order they first come. */
function byHolder(pairs: readonly Pair[]): Map<string, string[]> {
  const members = new Map<string, string[]>();
  for (const { holder, member } of pairs) members.set(holder, [...(members.get(holder) ?? []), member]);
  return members;
}
