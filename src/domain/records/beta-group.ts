/**
 * A beta group of an app (its members and builds are stored with it), with Apple's BetaGroup attributes.
 * `createdAt` (Apple's createdDate) is ISO 8601 in UTC with milliseconds.
 */
export interface BetaGroupCore {
  readonly id: string;
  readonly appId: string;
  readonly name: string;
  readonly isInternal: boolean;
  readonly createdAt: string;
}

export interface BetaGroupAttributes {
  readonly hasAccessToAllBuilds: boolean;
  readonly publicLinkEnabled: boolean;
  readonly publicLinkId: string | null;
  readonly publicLinkLimitEnabled: boolean;
  /** 1 to 10,000 (testflight-values.ts), or null when no limit was set. */
  readonly publicLinkLimit: number | null;
  /** The public link's URL, `https://testflight.apple.com/join/<publicLinkId>` at Apple. */
  readonly publicLink: string | null;
  readonly feedbackEnabled: boolean;
  readonly iosBuildsAvailableForAppleSiliconMac: boolean;
  readonly iosBuildsAvailableForAppleVision: boolean;
}

export interface BetaGroupRecord extends BetaGroupCore, BetaGroupAttributes {}

/** A group to create: the attributes it leaves out take BETA_GROUP_DEFAULTS. */
export interface NewBetaGroupRecord extends BetaGroupCore, Partial<BetaGroupAttributes> {}

export type BetaGroupChanges = Partial<Pick<BetaGroupCore, 'name'> & BetaGroupAttributes>;

/** A group with the ids of its testers and builds, each list ordered by id. */
export interface BetaGroupWithMembers extends BetaGroupRecord {
  readonly testerIds: readonly string[];
  readonly buildIds: readonly string[];
}

/** A new group's attributes at Apple: no public link, feedback on (and 0008's column defaults). */
export const BETA_GROUP_DEFAULTS: BetaGroupAttributes = {
  hasAccessToAllBuilds: false,
  publicLinkEnabled: false,
  publicLinkId: null,
  publicLinkLimitEnabled: false,
  publicLinkLimit: null,
  publicLink: null,
  feedbackEnabled: true,
  iosBuildsAvailableForAppleSiliconMac: false,
  iosBuildsAvailableForAppleVision: false,
};

export function withBetaGroupDefaults(group: NewBetaGroupRecord): BetaGroupRecord {
  return { ...BETA_GROUP_DEFAULTS, ...group };
}
