import type {
  BuildAudienceType,
  ExternalBetaState,
  InternalBetaState,
  ProcessingState,
} from '../testflight-values.js';

/**
 * A build of an app, with Apple's Build attributes and its pre-release version. `version` is the build number
 * (CFBundleVersion) that events name; instants are ISO 8601 in UTC with milliseconds.
 */
export interface BuildCore {
  readonly id: string;
  readonly appId: string;
  readonly version: string;
  /** Apple's uploadedDate. */
  readonly uploadedAt: string;
}

/** The ImageAsset of a build's icon. */
export interface ImageAsset {
  readonly templateUrl: string;
  readonly width: number;
  readonly height: number;
}

export interface BuildAttributes {
  readonly preReleaseVersionId: string | null;
  readonly expirationDate: string | null;
  readonly expired: boolean;
  readonly minOsVersion: string | null;
  readonly lsMinimumSystemVersion: string | null;
  readonly computedMinMacOsVersion: string | null;
  readonly computedMinVisionOsVersion: string | null;
  readonly iconAssetToken: ImageAsset | null;
  readonly processingState: ProcessingState;
  readonly buildAudienceType: BuildAudienceType | null;
  /** null while not declared. */
  readonly usesNonExemptEncryption: boolean | null;
}

export interface BuildRecord extends BuildCore, BuildAttributes {}

/** A build to create: the attributes it leaves out take BUILD_DEFAULTS. */
export interface NewBuildRecord extends BuildCore, Partial<BuildAttributes> {}

export type BuildChanges = Partial<BuildAttributes>;

/** A build uploaded and processed, with nothing else declared (and 0008's column defaults). */
export const BUILD_DEFAULTS: BuildAttributes = {
  preReleaseVersionId: null,
  expirationDate: null,
  expired: false,
  minOsVersion: null,
  lsMinimumSystemVersion: null,
  computedMinMacOsVersion: null,
  computedMinVisionOsVersion: null,
  iconAssetToken: null,
  processingState: 'VALID',
  buildAudienceType: null,
  usesNonExemptEncryption: null,
};

export function withBuildDefaults(build: NewBuildRecord): BuildRecord {
  return { ...BUILD_DEFAULTS, ...build };
}

/** Apple's BuildBetaDetail: the TestFlight state of one build, kept under the build's own id. */
export interface BuildBetaDetailRecord {
  readonly autoNotifyEnabled: boolean;
  readonly internalBuildState: InternalBetaState;
  readonly externalBuildState: ExternalBetaState;
}

/**
 * The beta detail of a build that declared none: a processed build is ready for internal testing and for
 * submission to beta review; one still processing (or failed) is PROCESSING / PROCESSING_EXCEPTION.
 */
export function defaultBetaDetail(processingState: ProcessingState): BuildBetaDetailRecord {
  if (processingState === 'VALID') {
    return {
      autoNotifyEnabled: false,
      internalBuildState: 'READY_FOR_BETA_TESTING',
      externalBuildState: 'READY_FOR_BETA_SUBMISSION',
    };
  }
  const state = processingState === 'PROCESSING' ? 'PROCESSING' : 'PROCESSING_EXCEPTION';
  return { autoNotifyEnabled: false, internalBuildState: state, externalBuildState: state };
}

/** A build with its beta detail and the testers given it individually (ordered by id). */
export interface BuildWithDetails extends BuildRecord {
  readonly betaDetail: BuildBetaDetailRecord;
  readonly individualTesterIds: readonly string[];
}
