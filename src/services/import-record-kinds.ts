/**
 * The record kinds of an import file (docs/import-format.md) and each kind's fields with their types: what
 * import-line.ts reads a line by.
 */

export type RecordKind =
  | 'app'
  | 'tester'
  | 'preReleaseVersion'
  | 'build'
  | 'group'
  | 'screenshotFeedback'
  | 'crashFeedback'
  | 'screenshotContent';

/** string, boolean, whole number, list of ids, ImageAsset, list of BetaFeedbackScreenshotImage. */
export type FieldType = 's' | 'b' | 'i' | 'ids' | 'image' | 'screenshots' | 'devices' | 'base64';

const FEEDBACK_FIELDS = {
  id: 's',
  appId: 's',
  buildId: 's',
  testerId: 's',
  createdDate: 's',
  comment: 's',
  email: 's',
  deviceModel: 's',
  osVersion: 's',
  locale: 's',
  timeZone: 's',
  architecture: 's',
  connectionType: 's',
  pairedAppleWatch: 's',
  appUptimeInMilliseconds: 'i',
  diskBytesAvailable: 'i',
  diskBytesTotal: 'i',
  batteryPercentage: 'i',
  screenWidthInPoints: 'i',
  screenHeightInPoints: 'i',
  appPlatform: 's',
  devicePlatform: 's',
  deviceFamily: 's',
  buildBundleId: 's',
  eventId: 's',
} as const satisfies Record<string, FieldType>;

/** Each kind's fields (in the order a rejection lists them) and which of them a line must have. */
export const KINDS: Record<RecordKind, { fields: Record<string, FieldType>; required: readonly string[] }> = {
  app: {
    fields: {
      id: 's',
      name: 's',
      bundleId: 's',
      sku: 's',
      primaryLocale: 's',
      accessibilityUrl: 's',
      isOrEverWasMadeForKids: 'b',
      subscriptionStatusUrl: 's',
      subscriptionStatusUrlVersion: 's',
      subscriptionStatusUrlForSandbox: 's',
      subscriptionStatusUrlVersionForSandbox: 's',
      contentRightsDeclaration: 's',
      streamlinedPurchasingEnabled: 'b',
      allowUnknownBuilds: 'b',
    },
    required: ['id', 'name', 'bundleId'],
  },
  tester: {
    fields: { appId: 's', id: 's', email: 's', firstName: 's', lastName: 's', appDevices: 'devices' },
    required: ['appId', 'email'],
  },
  preReleaseVersion: {
    fields: { id: 's', appId: 's', version: 's', platform: 's' },
    required: ['id', 'appId', 'version'],
  },
  build: {
    fields: {
      id: 's',
      appId: 's',
      version: 's',
      uploadedDate: 's',
      preReleaseVersionId: 's',
      expirationDate: 's',
      expired: 'b',
      minOsVersion: 's',
      lsMinimumSystemVersion: 's',
      computedMinMacOsVersion: 's',
      computedMinVisionOsVersion: 's',
      iconAssetToken: 'image',
      processingState: 's',
      buildAudienceType: 's',
      usesNonExemptEncryption: 'b',
      autoNotifyEnabled: 'b',
      internalBuildState: 's',
      externalBuildState: 's',
      individualTesterIds: 'ids',
    },
    required: ['id', 'appId', 'version'],
  },
  group: {
    fields: {
      id: 's',
      appId: 's',
      name: 's',
      isInternalGroup: 'b',
      createdDate: 's',
      hasAccessToAllBuilds: 'b',
      publicLinkEnabled: 'b',
      publicLinkId: 's',
      publicLinkLimitEnabled: 'b',
      publicLinkLimit: 'i',
      publicLink: 's',
      feedbackEnabled: 'b',
      iosBuildsAvailableForAppleSiliconMac: 'b',
      iosBuildsAvailableForAppleVision: 'b',
      testerIds: 'ids',
      buildIds: 'ids',
    },
    required: ['id', 'appId', 'name'],
  },
  screenshotFeedback: {
    fields: { ...FEEDBACK_FIELDS, screenshots: 'screenshots' },
    required: ['id', 'appId'],
  },
  crashFeedback: {
    fields: { ...FEEDBACK_FIELDS, crashLogId: 's', crashLog: 's' },
    required: ['id', 'appId'],
  },
  screenshotContent: {
    fields: { appId: 's', sha256: 's', data: 'base64' },
    required: ['appId', 'sha256', 'data'],
  },
};

export const RECORD_KINDS = Object.keys(KINDS) as RecordKind[];
