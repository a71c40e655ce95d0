import { randomUUID } from 'node:crypto';
import type { Clock } from '../domain/clock.js';
import type {
  BuildBetaDetailRecord,
  BuildChanges,
  BuildWithDetails,
  ImageAsset,
  NewBuildRecord,
} from '../domain/records/build.js';
import type { PreReleaseVersionRecord } from '../domain/records/pre-release-version.js';
import {
  BUILD_AUDIENCE_TYPES,
  EXTERNAL_BETA_STATES,
  INTERNAL_BETA_STATES,
  PLATFORMS,
  PROCESSING_STATES,
} from '../domain/testflight-values.js';
import type { DirectoryStore } from '../storage/directory-store.js';
import { instant, integer, oneOf, relatedIds, resourceId, resourceIds, text } from './attribute-input.js';
import { storeWrite } from './store-write.js';
import { InputError } from './input-error.js';

/** A version (CFBundleShortVersionString) of an app on one platform, which builds belong to. */
export interface NewPreReleaseVersionInput {
  readonly appId: string;
  readonly version: string;
  /** IOS (the default), MAC_OS, TV_OS or VISION_OS. */
  readonly platform?: string;
  readonly id?: string;
}

/** Apple's Build attributes as an operator gives them: a field left out keeps its default (or value). */
export interface BuildAttributeInput {
  readonly preReleaseVersionId?: string | null;
  readonly expirationDate?: string | null;
  readonly expired?: boolean;
  readonly minOsVersion?: string | null;
  readonly lsMinimumSystemVersion?: string | null;
  readonly computedMinMacOsVersion?: string | null;
  readonly computedMinVisionOsVersion?: string | null;
  readonly iconAssetToken?: ImageAsset | null;
  readonly processingState?: string;
  readonly buildAudienceType?: string | null;
  readonly usesNonExemptEncryption?: boolean | null;
  /** The build beta detail's attributes. */
  readonly autoNotifyEnabled?: boolean;
  readonly internalBuildState?: string;
  readonly externalBuildState?: string;
}

export interface NewBuildInput extends BuildAttributeInput {
  readonly appId: string;
  /** The build number (CFBundleVersion), as events name it. */
  readonly version: string;
  readonly id?: string;
  /** Apple's uploadedDate (default: now). */
  readonly uploadedDate?: string;
  /** Testers of the app given this build individually. */
  readonly individualTesterIds?: readonly string[];
}

export interface BuildsService {
  createPreReleaseVersion(input: NewPreReleaseVersionInput): Promise<PreReleaseVersionRecord>;
  /** Every pre-release version of an app, by id; InputError when there is no such app. */
  listPreReleaseVersions(appId: string): Promise<PreReleaseVersionRecord[]>;
  create(input: NewBuildInput): Promise<BuildWithDetails>;
  update(id: string, input: BuildAttributeInput): Promise<BuildWithDetails>;
  /**
   * Gives testers the build individually (Apple's builds_individualTesters_createToManyRelationship): a tester
   * of the store not yet in the build's app joins it, INVITED now. ConflictError for one who has it already;
   * InputError (field `individualTesters`) for an unknown one. All or none.
   */
  addIndividualTesters(buildId: string, testerIds: readonly string[]): Promise<BuildWithDetails>;
  /** Takes the build from testers who have it individually (the others: ignored); they stay in the app. */
  removeIndividualTesters(buildId: string, testerIds: readonly string[]): Promise<void>;
  /**
   * Puts the build in beta groups of its app (builds_betaGroups_createToManyRelationship). ConflictError for a
   * group that has it already; InputError (field `betaGroups`) for an unknown group or one of another app.
   */
  addToBetaGroups(buildId: string, groupIds: readonly string[]): Promise<void>;
  /** Takes the build out of beta groups (those without it: ignored). */
  removeFromBetaGroups(buildId: string, groupIds: readonly string[]): Promise<void>;
  /** Every build of an app, by id; InputError when there is no such app. */
  list(appId: string): Promise<BuildWithDetails[]>;
}

const LIST_PAGE = 1000;
const TESTERS_HINT = "'testers list --app APP_ID'";
const GROUPS_HINT = "'groups list --app APP_ID'";
const VERSION_TEXT = 64;

export function buildsService(store: DirectoryStore, clock: Clock): BuildsService {
  const requireApp = async (appId: string) => {
    resourceId('app id', appId);
    if ((await store.findApp(appId)) === undefined)
      throw new InputError(`there is no app with id '${appId}'; list them with 'apps list'`);
  };
  /** The build a relationship write is about exists (the API answers 404 before; the CLI calls directly). */
  const requireBuild = async (buildId: string) => {
    resourceId('build id', buildId);
    if ((await store.appsOf('build', [buildId])).size === 0)
      throw new InputError(
        `there is no build with id '${buildId}'; list them with 'builds list --app APP_ID'`,
      );
  };
  const found = async (id: string) => {
    const build = await store.findBuild(id);
    if (build === undefined) throw new Error(`build ${id} vanished after it was written`);
    return build;
  };
  return {
    async createPreReleaseVersion(input) {
      const version: PreReleaseVersionRecord = {
        id: resourceId('pre-release version id', input.id) ?? randomUUID(),
        appId: resourceId('app id', input.appId) ?? input.appId,
        version: text('version', input.version, VERSION_TEXT) ?? input.version,
        platform: oneOf('platform', input.platform ?? 'IOS', PLATFORMS) ?? 'IOS',
      };
      await storeWrite(
        () => store.createPreReleaseVersion(version),
        `'versions list --app ${version.appId}'`,
      );
      return version;
    },

    async listPreReleaseVersions(appId) {
      await requireApp(appId);
      return everyRow((window) => store.listPreReleaseVersions(appId, window));
    },

    async create(input) {
      const { changes, betaDetail } = checkedAttributes(input);
      const build: NewBuildRecord = {
        ...changes,
        id: resourceId('build id', input.id) ?? randomUUID(),
        appId: resourceId('app id', input.appId) ?? input.appId,
        version: text('build number', input.version, VERSION_TEXT) ?? input.version,
        uploadedAt: instant('upload date', input.uploadedDate) ?? clock.now().toISOString(),
      };
      const individualTesterIds = resourceIds('tester id', input.individualTesterIds);
      await storeWrite(
        () => store.createBuild(build, { betaDetail, individualTesterIds }),
        `'builds list --app ${build.appId}'`,
      );
      return found(build.id);
    },

    async update(id, input) {
      resourceId('build id', id);
      const { changes, betaDetail } = checkedAttributes(input);
      await storeWrite(() => store.updateBuild(id, changes, betaDetail), "'builds list --app APP_ID'");
      return found(id);
    },

    async addIndividualTesters(buildId, testerIds) {
      const ids = relatedIds('individualTesters', 'tester id', testerIds);
      await requireBuild(buildId);
      const buildTesters = ids.map((testerId) => ({ buildId, testerId }));
      await storeWrite(
        () => store.grantBetaAccess({ buildTesters }, clock.now().toISOString()),
        TESTERS_HINT,
        { tester: 'individualTesters' },
      );
      return found(buildId);
    },

    async removeIndividualTesters(buildId, testerIds) {
      const ids = relatedIds('individualTesters', 'tester id', testerIds);
      await requireBuild(buildId);
      const buildTesters = ids.map((testerId) => ({ buildId, testerId }));
      await storeWrite(() => store.withdrawBetaAccess({ buildTesters }), TESTERS_HINT, {
        tester: 'individualTesters',
      });
    },

    async addToBetaGroups(buildId, groupIds) {
      const ids = relatedIds('betaGroups', 'beta group id', groupIds);
      await requireBuild(buildId);
      const groupBuilds = ids.map((groupId) => ({ groupId, buildId }));
      await storeWrite(() => store.grantBetaAccess({ groupBuilds }), GROUPS_HINT, {
        betaGroup: 'betaGroups',
      });
    },

    async removeFromBetaGroups(buildId, groupIds) {
      const ids = relatedIds('betaGroups', 'beta group id', groupIds);
      await requireBuild(buildId);
      const groupBuilds = ids.map((groupId) => ({ groupId, buildId }));
      await storeWrite(() => store.withdrawBetaAccess({ groupBuilds }), GROUPS_HINT, {
        betaGroup: 'betaGroups',
      });
    },

    async list(appId) {
      await requireApp(appId);
      return everyRow((window) => store.listBuilds(appId, window));
    },
  };
}

/** Reads every row of an app's listing, page by page. */
export async function everyRow<T extends { id: string }>(
  list: (window: { afterId?: string; limit: number }) => Promise<T[]>,
): Promise<T[]> {
  const all: T[] = [];
  for (;;) {
    const afterId = all.at(-1)?.id;
    const page = await list(afterId === undefined ? { limit: LIST_PAGE } : { afterId, limit: LIST_PAGE });
    all.push(...page);
    if (page.length < LIST_PAGE) return all;
  }
}

function checkedAttributes(input: BuildAttributeInput): {
  changes: BuildChanges;
  betaDetail: Partial<BuildBetaDetailRecord>;
} {
  const icon = input.iconAssetToken;
  if (icon !== undefined && icon !== null) {
    text('icon template URL', icon.templateUrl, 2048);
    integer('icon width', icon.width, 1, 100_000);
    integer('icon height', icon.height, 1, 100_000);
  }
  const changes: BuildChanges = {
    preReleaseVersionId:
      input.preReleaseVersionId === null
        ? null
        : resourceId('pre-release version id', input.preReleaseVersionId),
    expirationDate: instant('expiration date', input.expirationDate),
    expired: input.expired,
    minOsVersion: text('minimum OS version', input.minOsVersion, VERSION_TEXT),
    lsMinimumSystemVersion: text('LSMinimumSystemVersion', input.lsMinimumSystemVersion, VERSION_TEXT),
    computedMinMacOsVersion: text(
      'computed minimum macOS version',
      input.computedMinMacOsVersion,
      VERSION_TEXT,
    ),
    computedMinVisionOsVersion: text(
      'computed minimum visionOS version',
      input.computedMinVisionOsVersion,
      VERSION_TEXT,
    ),
    iconAssetToken:
      icon === undefined || icon === null
        ? icon
        : { templateUrl: icon.templateUrl, width: icon.width, height: icon.height },
    processingState: oneOf('processing state', input.processingState, PROCESSING_STATES),
    buildAudienceType: oneOf('build audience type', input.buildAudienceType, BUILD_AUDIENCE_TYPES),
    usesNonExemptEncryption: input.usesNonExemptEncryption,
  };
  const betaDetail: Partial<BuildBetaDetailRecord> = {
    autoNotifyEnabled: input.autoNotifyEnabled,
    internalBuildState: oneOf('internal build state', input.internalBuildState, INTERNAL_BETA_STATES),
    externalBuildState: oneOf('external build state', input.externalBuildState, EXTERNAL_BETA_STATES),
  };
  return { changes: defined(changes), betaDetail: defined(betaDetail) };
}

/** `record` without its undefined fields: what an update leaves as it is. */
export function defined<T extends object>(record: T): T {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined)) as T;
}
