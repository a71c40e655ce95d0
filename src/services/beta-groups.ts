import { randomBytes, randomUUID } from 'node:crypto';
import type { Clock } from '../domain/clock.js';
import type { BetaGroupChanges, BetaGroupWithMembers } from '../domain/records/beta-group.js';
import { PUBLIC_LINK_LIMIT_MAX, PUBLIC_LINK_LIMIT_MIN } from '../domain/testflight-values.js';
import type { DirectoryStore } from '../storage/directory-store.js';
import { defined, everyRow } from './builds.js';
import { instant, integer, resourceId, resourceIds, storeWrite, text, url } from './attribute-input.js';
import { InputError } from './input-error.js';

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

export interface BetaGroupsService {
  create(input: NewBetaGroupInput): Promise<BetaGroupWithMembers>;
  update(id: string, input: BetaGroupAttributeInput): Promise<BetaGroupWithMembers>;
  add(
    groupId: string,
    members: { readonly testerIds?: readonly string[]; readonly buildIds?: readonly string[] },
  ): Promise<BetaGroupWithMembers>;
  /** Every group of an app, by id; InputError when there is no such app. */
  list(appId: string): Promise<BetaGroupWithMembers[]>;
}

/** Where App Store Connect's public links point: `https://testflight.apple.com/join/<publicLinkId>`. */
const PUBLIC_LINK_BASE = 'https://testflight.apple.com/join/';

export function betaGroupsService(store: DirectoryStore, clock: Clock): BetaGroupsService {
  const found = async (id: string) => {
    const group = await store.findBetaGroup(id);
    if (group === undefined) throw new Error(`beta group ${id} vanished after it was written`);
    return group;
  };
  return {
    async create(input) {
      const id = resourceId('group id', input.id) ?? randomUUID();
      const appId = resourceId('app id', input.appId) ?? input.appId;
      const group = {
        ...checkedAttributes(input),
        id,
        appId,
        name: checkedName(input.name),
        isInternal: input.isInternalGroup ?? false,
        createdAt: instant('created date', input.createdDate) ?? clock.now().toISOString(),
      };
      const testerIds = resourceIds('tester id', input.testerIds);
      const buildIds = resourceIds('build id', input.buildIds);
      await storeWrite(
        () => store.createBetaGroup(group, testerIds, buildIds),
        `'groups list --app ${appId}'`,
      );
      return found(id);
    },

    async update(id, input) {
      resourceId('group id', id);
      const changes = checkedAttributes(input);
      await storeWrite(() => store.updateBetaGroup(id, changes), "'groups list --app APP_ID'");
      return found(id);
    },

    async add(groupId, members) {
      resourceId('group id', groupId);
      const testerIds = resourceIds('tester id', members.testerIds);
      const buildIds = resourceIds('build id', members.buildIds);
      await storeWrite(
        () => store.addToBetaGroup(groupId, { testerIds, buildIds }),
        "'groups list --app APP_ID'",
      );
      return found(groupId);
    },

    async list(appId) {
      resourceId('app id', appId);
      if ((await store.findApp(appId)) === undefined)
        throw new InputError(`there is no app with id '${appId}'; list them with 'apps list'`);
      return everyRow((window) => store.listBetaGroups(appId, window));
    },
  };
}

function checkedName(name: string): string {
  const trimmed = name.trim();
  text('group name', trimmed || undefined, 256);
  if (trimmed.length === 0) throw new InputError('the group name must be 1 to 256 characters');
  return trimmed;
}

function checkedAttributes(input: BetaGroupAttributeInput): BetaGroupChanges {
  const limit = integer(
    'public link limit',
    input.publicLinkLimit,
    PUBLIC_LINK_LIMIT_MIN,
    PUBLIC_LINK_LIMIT_MAX,
  );
  if (input.publicLinkLimitEnabled === true && (limit === undefined || limit === null))
    throw new InputError(
      `a public link limit must be given with the limit enabled: a whole number from ${PUBLIC_LINK_LIMIT_MIN} to ${PUBLIC_LINK_LIMIT_MAX}`,
    );
  let publicLinkId = input.publicLinkId === null ? null : resourceId('public link id', input.publicLinkId);
  let publicLink = url('public link', input.publicLink);
  if (input.publicLinkEnabled === true && publicLinkId === undefined) {
    publicLinkId = randomBytes(6).toString('base64url');
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
