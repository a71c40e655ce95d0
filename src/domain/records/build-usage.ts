import type { UsageValues } from '../usage-values.js';

/**
 * What the dashboard's builds page reads: each build of an app with its usage over a window, read from the
 * daily rollups, which keep the build number events name (`usage_daily.build`). Instants are ISO 8601 UTC.
 */

export interface BuildUsage {
  /** Distinct testers with any event of the build in the window, installs included. */
  readonly testers: number;
  readonly values: UsageValues;
}

export interface BuildUsageRow extends BuildUsage {
  readonly buildId: string;
  /** The build number (CFBundleVersion): what events name. */
  readonly number: string;
  readonly uploadedAt: string;
  /** The build's pre-release version (CFBundleShortVersionString) and its platform, when it has one. */
  readonly preRelease: { readonly version: string; readonly platform: string } | null;
}

export interface BuildUsageReport {
  /** Every build of the app, newest upload first (then by id), with zeros where nothing happened. */
  readonly builds: readonly BuildUsageRow[];
  /**
   * The usage of events that named no build of the app (a number the store does not know, or none at all),
   * together; undefined when there was none in the window.
   */
  readonly unmatched:
    | (BuildUsage & {
        /** Their build numbers, in text order: '' for events that named none. */
        readonly numbers: readonly string[];
      })
    | undefined;
}
