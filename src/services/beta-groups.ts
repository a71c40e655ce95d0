import { randomUUID } from 'node:crypto';
import { newPublicLinkId } from '../domain/ids.js';
import type { Clock } from '../domain/clock.js';
import type { BetaGroupChanges, BetaGroupWithMembers } from '../domain/records/beta-group.js';
import { PUBLIC_LINK_LIMIT_MAX, PUBLIC_LINK_LIMIT_MIN } from '../domain/testflight-values.js';
import type { DirectoryStore } from '../storage/directory-store.js';
import { defined, everyRow } from './builds.js';
import { StoreConflictError } from '../domain/store-problems.js';
import { BETA_GROUP_NAME_TAKEN } from '../storage/conflict-names.js';
import { instant, integer, relatedIds, resourceId, text, url } from './attribute-input.js';
import { storeWrite } from './store-write.js';
import { ConflictError, InputError, inField } from './input-error.js';

/** Apple's BetaGroup attributes as an operator gives them: a field left out keeps its default (or value). */
export interface BetaGroupAttributeInput {
  readonly name?: string;
  readonly hasAccessToAllBuilds?: boolean;
  /** Turning the public link on without an id makes one (and its URL), as App Store Connect does. */
  readonly publicLinkEnabled?: boolean;
  readonly publicLinkId?: string | null;
  readonly publicLinkLimitEnabled?: boolean;
  /** 1 to 10,000. */
  readonly publicLinkLimit?: number | null;
  readonly publicLink?: string | null;
  readonly feedbackEnabled?: boolean;
  readonly iosBuildsAvailableForAppleSiliconMac?: boolean;
  readonly iosBuildsAvailableForAppleVision?: boolean;
}

export interface NewBetaGroupInput extends BetaGroupAttributeInput {
  readonly appId: string;
  readonly name: string;
  readonly id?: string;
  /** Apple's isInternalGroup (default false). */
  readonly isInternalGroup?: boolean;
  /** Apple's createdDate (default: now). */
  readonly createdDate?: string;
  /** Testers and builds of the app in the group. */
  readonly testerIds?: readonly string[];
  readonly buildIds?: readonly string[];
}

/** Testers and builds of a group, as its relationship writes name them. */
export interface GroupMembersInput {
  readonly testerIds?: readonly string[];
  readonly buildIds?: readonly string[];
}

export interface BetaGroupsService {
  /** ConflictError (field `name`) when the app has a group of that name, in any case. */
  create(input: NewBetaGroupInput): Promise<BetaGroupWithMembers>;
  /** ConflictError (field `name`) when another group of the app has that name, in any case. */
  update(id: string, input: BetaGroupAttributeInput): Promise<BetaGroupWithMembers>;
  /**
   * Adds testers and builds (Apple's betaGroups_betaTesters_ and betaGroups_builds_createToManyRelationship): a
   * tester of the store not yet in the group's app joins it, INVITED now. ConflictError for a tester or build
   * in the group already; InputError (field `betaTesters` or `builds`) for an unknown one or a build of
   * another app. All or none.
   */
  add(groupId: string, members: GroupMembersInput): Promise<BetaGroupWithMembers>;
  /** Takes testers and builds out of the group (those not in it: ignored); the testers stay in the app. */
  remove(groupId: string, members: GroupMembersInput): Promise<void>;
  /** The group, its memberships and builds go; its testers stay in the app. */
  delete(id: string): Promise<void>;
  /** Every group of an app, by id; InputError when there is no such app. */
  list(appId: string): Promise<BetaGroupWithMembers[]>;
}

/** Where App Store Connect's public links point: `https://testflight.apple.com/join/<publicLinkId>`. */
const PUBLIC_LINK_BASE = 'https://testflight.apple.com/join/';

const GROUPS_HINT = "'groups list --app APP_ID'";

export function betaGroupsService(store: DirectoryStore, clock: Clock): BetaGroupsService {
  const found = async (id: string) => {
    const group = await store.findBetaGroup(id);
    if (group === undefined) throw new Error(`beta group ${id} vanished after it was written`);
    return group;
  };
  /** The pairs a relationship write of the group names, once the group is known to exist. */
  const membersOf = async (groupId: string, members: GroupMembersInput) => {
    resourceId('group id', groupId);
    const testerIds = relatedIds('betaTesters', 'tester id', members.testerIds);
    const buildIds = relatedIds('builds', 'build id', members.buildIds);
    if ((await store.appsOf('betaGroup', [groupId])).size === 0)
      throw new InputError(`there is no beta group with id '${groupId}'; list them with ${GROUPS_HINT}`);
    return {
      groupTesters: testerIds.map((testerId) => ({ groupId, testerId })),
      groupBuilds: buildIds.map((buildId) => ({ groupId, buildId })),
    };
  };
  return {
    async create(input) {
      const id = resourceId('group id', input.id) ?? randomUUID();
      const appId = inField('app', () => resourceId('app id', input.appId) ?? input.appId);
      const group = {
        ...checkedAttributes(input),
        id,
        appId,
        name: checkedName(input.name),
        isInternal: input.isInternalGroup ?? false,
        createdAt:
          inField('createdDate', () => instant('created date', input.createdDate)) ??
          clock.now().toISOString(),
      };
      const testerIds = relatedIds('betaTesters', 'tester id', input.testerIds);
      const buildIds = relatedIds('builds', 'build id', input.buildIds);
      await storeWrite(
        () => nameUnique(() => store.createBetaGroup(group, testerIds, buildIds)),
        `'groups list --app ${appId}'`,
        { app: 'app', tester: 'betaTesters', build: 'builds' },
      );
      return found(id);
    },

    async update(id, input) {
      resourceId('group id', id);
      const changes = checkedAttributes(input);
      await storeWrite(() => nameUnique(() => store.updateBetaGroup(id, changes)), GROUPS_HINT);
      return found(id);
    },

    async add(groupId, members) {
      const links = await membersOf(groupId, members);
      await storeWrite(() => store.grantBetaAccess(links, clock.now().toISOString()), GROUPS_HINT, {
        tester: 'betaTesters',
        build: 'builds',
      });
      return found(groupId);
    },

    async remove(groupId, members) {
      const links = await membersOf(groupId, members);
      await storeWrite(() => store.withdrawBetaAccess(links), GROUPS_HINT, {
        tester: 'betaTesters',
        build: 'builds',
      });
    },

    async delete(id) {
      resourceId('group id', id);
      await storeWrite(() => store.deleteBetaGroup(id), GROUPS_HINT);
    },

    async list(appId) {
      resourceId('app id', appId);
      if ((await store.findApp(appId)) === undefined)
        throw new InputError(`there is no app with id '${appId}'; list them with 'apps list'`);
      return everyRow((window) => store.listBetaGroups(appId, window));
    },
  };
}

/** Runs a write of a group's name: the app's name being taken is a ConflictError about `name`. */
async function nameUnique<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (error instanceof StoreConflictError && error.what === BETA_GROUP_NAME_TAKEN)
      throw new ConflictError(`${error.what} already exists; choose another name`, 'name');
    throw error;
  }
}

function checkedName(name: string): string {
  const trimmed = name.trim();
  inField('name', () => text('group name', trimmed || undefined, 256));
  if (trimmed.length === 0) throw new InputError('the group name must be 1 to 256 characters', 'name');
  return trimmed;
}

function checkedAttributes(input: BetaGroupAttributeInput): BetaGroupChanges {
  const limit = inField('publicLinkLimit', () =>
    integer('public link limit', input.publicLinkLimit, PUBLIC_LINK_LIMIT_MIN, PUBLIC_LINK_LIMIT_MAX),
  );
  if (input.publicLinkLimitEnabled === true && (limit === undefined || limit === null))
    throw new InputError(
      `a public link limit must be given with the limit enabled: a whole number from ${PUBLIC_LINK_LIMIT_MIN} to ${PUBLIC_LINK_LIMIT_MAX}`,
      'publicLinkLimit',
    );
  let publicLinkId = inField('publicLinkId', () =>
    input.publicLinkId === null ? null : resourceId('public link id', input.publicLinkId),
  );
  let publicLink = inField('publicLink', () => url('public link', input.publicLink));
  if (input.publicLinkEnabled === true && publicLinkId === undefined) {
    publicLinkId = newPublicLinkId();
  }
  if (publicLinkId !== undefined && publicLinkId !== null && publicLink === undefined)
    publicLink = `${PUBLIC_LINK_BASE}${publicLinkId}`;
  return defined({
    name: input.name === undefined ? undefined : checkedName(input.name),
    hasAccessToAllBuilds: input.hasAccessToAllBuilds,
    publicLinkEnabled: input.publicLinkEnabled,
    publicLinkId,
    publicLinkLimitEnabled: input.publicLinkLimitEnabled,
    publicLinkLimit: limit,
    publicLink,
    feedbackEnabled: input.feedbackEnabled,
    iosBuildsAvailableForAppleSiliconMac: input.iosBuildsAvailableForAppleSiliconMac,
    iosBuildsAvailableForAppleVision: input.iosBuildsAvailableForAppleVision,
  });
}
