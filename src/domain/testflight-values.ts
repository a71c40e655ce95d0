/**
 * The enumerations of Apple's TestFlight schemas (the spec's components: Platform, BuildAudienceType,
 * InternalBetaState, ...), as values a service can check input against and types records can name.
 */

export const PLATFORMS = ['IOS', 'MAC_OS', 'TV_OS', 'VISION_OS'] as const;
export type Platform = (typeof PLATFORMS)[number];

/** BetaTester.appDevices[].platform: Platform plus WATCH_OS. */
export const DEVICE_PLATFORMS = ['IOS', 'MAC_OS', 'TV_OS', 'WATCH_OS', 'VISION_OS'] as const;
export type DevicePlatform = (typeof DEVICE_PLATFORMS)[number];

export const PROCESSING_STATES = ['PROCESSING', 'FAILED', 'INVALID', 'VALID'] as const;
export type ProcessingState = (typeof PROCESSING_STATES)[number];

export const BUILD_AUDIENCE_TYPES = ['INTERNAL_ONLY', 'APP_STORE_ELIGIBLE'] as const;
export type BuildAudienceType = (typeof BUILD_AUDIENCE_TYPES)[number];

export const INTERNAL_BETA_STATES = [
  'PROCESSING',
  'PROCESSING_EXCEPTION',
  'MISSING_EXPORT_COMPLIANCE',
  'READY_FOR_BETA_TESTING',
  'IN_BETA_TESTING',
  'EXPIRED',
  'IN_EXPORT_COMPLIANCE_REVIEW',
] as const;
export type InternalBetaState = (typeof INTERNAL_BETA_STATES)[number];

export const EXTERNAL_BETA_STATES = [
  'PROCESSING',
  'PROCESSING_EXCEPTION',
  'MISSING_EXPORT_COMPLIANCE',
  'READY_FOR_BETA_TESTING',
  'IN_BETA_TESTING',
  'EXPIRED',
  'READY_FOR_BETA_SUBMISSION',
  'IN_EXPORT_COMPLIANCE_REVIEW',
  'WAITING_FOR_BETA_REVIEW',
  'IN_BETA_REVIEW',
  'BETA_REJECTED',
  'BETA_APPROVED',
  'NOT_APPLICABLE',
] as const;
export type ExternalBetaState = (typeof EXTERNAL_BETA_STATES)[number];

export const DEVICE_FAMILIES = ['IPHONE', 'IPAD', 'APPLE_TV', 'APPLE_WATCH', 'MAC', 'VISION'] as const;
export type DeviceFamily = (typeof DEVICE_FAMILIES)[number];

export const DEVICE_CONNECTION_TYPES = ['WIFI', 'MOBILE_DATA', 'WIRE', 'UNKNOWN', 'NONE'] as const;
export type DeviceConnectionType = (typeof DEVICE_CONNECTION_TYPES)[number];

export const CONTENT_RIGHTS_DECLARATIONS = [
  'DOES_NOT_USE_THIRD_PARTY_CONTENT',
  'USES_THIRD_PARTY_CONTENT',
] as const;
export type ContentRightsDeclaration = (typeof CONTENT_RIGHTS_DECLARATIONS)[number];

export const SUBSCRIPTION_STATUS_URL_VERSIONS = ['V1', 'V2'] as const;
export type SubscriptionStatusUrlVersion = (typeof SUBSCRIPTION_STATUS_URL_VERSIONS)[number];

/** BetaGroup.publicLinkLimit: App Store Connect accepts 1 to 10,000 testers by public link. */
export const PUBLIC_LINK_LIMIT_MIN = 1;
export const PUBLIC_LINK_LIMIT_MAX = 10_000;
