import type { ResourceKind } from '../domain/resource-kinds.js';
import type { Database } from './schema.js';

/**
 * Where each resource of the TestFlight slice lives (docs/architecture.md, "Resources"): its table, a column
 * per attribute (named as Apple's schema names it) and, for each relationship, the table that links a resource
 * to its related ones. The generic reads (queries/resource-reads.ts) are driven by this one declaration, so a
 * resource is listed, filtered, sorted, counted and linked without a query of its own.
 */

export type { ResourceKind };

/** How a column's value becomes an attribute's: 0/1 integers are booleans, JSON text is parsed. */
export type ColumnCodec = 'text' | 'integer' | 'boolean' | 'json';

export interface StoredAttribute {
  readonly column: string;
  readonly codec: ColumnCodec;
  /** A column holding the value lowercased, which filters compare with instead (emails match in any case). */
  readonly caseless?: string;
}

/**
 * A relationship, as the rows of `via` that link a resource (by `from`) to a related one (by `to`): the
 * resource's own table for a foreign key it holds, the related table for one the related resources hold, or a
 * join table.
 */
export interface StoredRelationship {
  readonly target: ResourceKind;
  readonly via: keyof Database;
  readonly from: string;
  readonly to: string;
}

/** An attribute computed from other tables (a tester's state is kept per app). */
export interface ComputedAttribute {
  readonly computed: 'testerState';
  readonly codec: 'text';
}

export interface ResourceTable {
  readonly table: keyof Database;
  readonly attributes: Readonly<Record<string, StoredAttribute | ComputedAttribute>>;
  readonly relationships: Readonly<Record<string, StoredRelationship>>;
}

const text = (column: string): StoredAttribute => ({ column, codec: 'text' });
const integer = (column: string): StoredAttribute => ({ column, codec: 'integer' });
const flag = (column: string): StoredAttribute => ({ column, codec: 'boolean' });
const json = (column: string): StoredAttribute => ({ column, codec: 'json' });

/** A foreign key the resource holds: `column` names the related resource's id. */
const holds = (via: keyof Database, column: string, target: ResourceKind): StoredRelationship => ({
  target,
  via,
  from: 'id',
  to: column,
});
/** Related resources that hold the resource's id in `column`. */
const heldBy = (via: keyof Database, column: string, target: ResourceKind): StoredRelationship => ({
  target,
  via,
  from: column,
  to: 'id',
});
const joined = (via: keyof Database, from: string, to: string, target: ResourceKind): StoredRelationship => ({
  target,
  via,
  from,
  to,
});

const FEEDBACK_ATTRIBUTES = {
  createdDate: text('created_date'),
  comment: text('comment'),
  email: text('email'),
  deviceModel: text('device_model'),
  osVersion: text('os_version'),
  locale: text('locale'),
  timeZone: text('time_zone'),
  architecture: text('architecture'),
  connectionType: text('connection_type'),
  pairedAppleWatch: text('paired_apple_watch'),
  appUptimeInMilliseconds: integer('app_uptime_in_milliseconds'),
  diskBytesAvailable: integer('disk_bytes_available'),
  diskBytesTotal: integer('disk_bytes_total'),
  batteryPercentage: integer('battery_percentage'),
  screenWidthInPoints: integer('screen_width_in_points'),
  screenHeightInPoints: integer('screen_height_in_points'),
  appPlatform: text('app_platform'),
  devicePlatform: text('device_platform'),
  deviceFamily: text('device_family'),
  buildBundleId: text('build_bundle_id'),
} as const;

export const RESOURCE_TABLES: Readonly<Record<ResourceKind, ResourceTable>> = {
  apps: {
    table: 'apps',
    attributes: {
      accessibilityUrl: text('accessibility_url'),
      name: text('name'),
      bundleId: text('bundle_id'),
      sku: text('sku'),
      primaryLocale: text('primary_locale'),
      isOrEverWasMadeForKids: flag('is_or_ever_was_made_for_kids'),
      subscriptionStatusUrl: text('subscription_status_url'),
      subscriptionStatusUrlVersion: text('subscription_status_url_version'),
      subscriptionStatusUrlForSandbox: text('subscription_status_url_for_sandbox'),
      subscriptionStatusUrlVersionForSandbox: text('subscription_status_url_version_for_sandbox'),
      contentRightsDeclaration: text('content_rights_declaration'),
      streamlinedPurchasingEnabled: flag('streamlined_purchasing_enabled'),
    },
    relationships: {
      betaTesters: joined('app_testers', 'app_id', 'tester_id', 'betaTesters'),
      betaGroups: heldBy('beta_groups', 'app_id', 'betaGroups'),
      builds: heldBy('builds', 'app_id', 'builds'),
      preReleaseVersions: heldBy('pre_release_versions', 'app_id', 'preReleaseVersions'),
      betaFeedbackScreenshotSubmissions: heldBy(
        'beta_feedback_screenshot_submissions',
        'app_id',
        'betaFeedbackScreenshotSubmissions',
      ),
      betaFeedbackCrashSubmissions: heldBy(
        'beta_feedback_crash_submissions',
        'app_id',
        'betaFeedbackCrashSubmissions',
      ),
    },
  },
  betaTesters: {
    table: 'beta_testers',
    attributes: {
      firstName: text('first_name'),
      lastName: text('last_name'),
      email: { ...text('email'), caseless: 'email_key' },
      inviteType: text('invite_type'),
      state: { computed: 'testerState', codec: 'text' },
      appDevices: json('app_devices'),
    },
    relationships: {
      apps: joined('app_testers', 'tester_id', 'app_id', 'apps'),
      betaGroups: joined('beta_group_testers', 'tester_id', 'group_id', 'betaGroups'),
      builds: joined('build_individual_testers', 'tester_id', 'build_id', 'builds'),
    },
  },
  betaGroups: {
    table: 'beta_groups',
    attributes: {
      name: text('name'),
      createdDate: text('created_at'),
      isInternalGroup: flag('is_internal'),
      hasAccessToAllBuilds: flag('has_access_to_all_builds'),
      publicLinkEnabled: flag('public_link_enabled'),
      publicLinkId: text('public_link_id'),
      publicLinkLimitEnabled: flag('public_link_limit_enabled'),
      publicLinkLimit: integer('public_link_limit'),
      publicLink: text('public_link'),
      feedbackEnabled: flag('feedback_enabled'),
      iosBuildsAvailableForAppleSiliconMac: flag('ios_builds_available_for_apple_silicon_mac'),
      iosBuildsAvailableForAppleVision: flag('ios_builds_available_for_apple_vision'),
    },
    relationships: {
      app: holds('beta_groups', 'app_id', 'apps'),
      builds: joined('beta_group_builds', 'group_id', 'build_id', 'builds'),
      betaTesters: joined('beta_group_testers', 'group_id', 'tester_id', 'betaTesters'),
    },
  },
  builds: {
    table: 'builds',
    attributes: {
      version: text('version'),
      uploadedDate: text('uploaded_at'),
      expirationDate: text('expiration_date'),
      expired: flag('expired'),
      minOsVersion: text('min_os_version'),
      lsMinimumSystemVersion: text('ls_minimum_system_version'),
      computedMinMacOsVersion: text('computed_min_mac_os_version'),
      computedMinVisionOsVersion: text('computed_min_vision_os_version'),
      iconAssetToken: json('icon_asset_token'),
      processingState: text('processing_state'),
      buildAudienceType: text('build_audience_type'),
      usesNonExemptEncryption: flag('uses_non_exempt_encryption'),
    },
    relationships: {
      preReleaseVersion: holds('builds', 'pre_release_version_id', 'preReleaseVersions'),
      individualTesters: joined('build_individual_testers', 'build_id', 'tester_id', 'betaTesters'),
      betaGroups: joined('beta_group_builds', 'build_id', 'group_id', 'betaGroups'),
      app: holds('builds', 'app_id', 'apps'),
      buildBetaDetail: heldBy('build_beta_details', 'build_id', 'buildBetaDetails'),
    },
  },
  preReleaseVersions: {
    table: 'pre_release_versions',
    attributes: { version: text('version'), platform: text('platform') },
    relationships: {
      builds: heldBy('builds', 'pre_release_version_id', 'builds'),
      app: holds('pre_release_versions', 'app_id', 'apps'),
    },
  },
  buildBetaDetails: {
    table: 'build_beta_details',
    attributes: {
      autoNotifyEnabled: flag('auto_notify_enabled'),
      internalBuildState: text('internal_build_state'),
      externalBuildState: text('external_build_state'),
    },
    relationships: { build: holds('build_beta_details', 'build_id', 'builds') },
  },
  betaFeedbackScreenshotSubmissions: {
    table: 'beta_feedback_screenshot_submissions',
    attributes: { ...FEEDBACK_ATTRIBUTES, screenshots: json('screenshots') },
    relationships: {
      build: holds('beta_feedback_screenshot_submissions', 'build_id', 'builds'),
      tester: holds('beta_feedback_screenshot_submissions', 'tester_id', 'betaTesters'),
      app: holds('beta_feedback_screenshot_submissions', 'app_id', 'apps'),
    },
  },
  betaFeedbackCrashSubmissions: {
    table: 'beta_feedback_crash_submissions',
    attributes: FEEDBACK_ATTRIBUTES,
    relationships: {
      crashLog: holds('beta_feedback_crash_submissions', 'crash_log_id', 'betaCrashLogs'),
      build: holds('beta_feedback_crash_submissions', 'build_id', 'builds'),
      tester: holds('beta_feedback_crash_submissions', 'tester_id', 'betaTesters'),
      app: holds('beta_feedback_crash_submissions', 'app_id', 'apps'),
    },
  },
  betaCrashLogs: {
    table: 'beta_crash_logs',
    attributes: { logText: text('log_text') },
    relationships: {},
  },
};
