import type { Platform } from '../testflight-values.js';

/** Apple's PrereleaseVersion: a version (CFBundleShortVersionString) of an app on one platform. */
export interface PreReleaseVersionRecord {
  readonly id: string;
  readonly appId: string;
  readonly version: string;
  readonly platform: Platform;
}
