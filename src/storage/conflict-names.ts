/** What a group's name being taken in its app is called (the unique index of 0010). */
export const BETA_GROUP_NAME_TAKEN = 'a beta group with this name in this app';

/**
 * What a user calls the thing a unique constraint protects, by the constraint's first column as
 * BackendSpecifics.uniqueViolation names it (`table.column`).
 */
export const CONFLICT_NAMES: Record<string, string> = {
  'apps.id': 'an app with this id',
  'apps.bundle_id': 'an app with this bundle id',
  'beta_testers.id': 'a tester with this id',
  'beta_testers.email_key': 'a tester with this email',
  'app_testers.app_id': 'this tester in this app',
  'builds.id': 'a build with this id',
  'builds.app_id': 'a build with this version in this app',
  'beta_groups.id': 'a beta group with this id',
  'beta_groups.app_id': BETA_GROUP_NAME_TAKEN,
  'beta_group_testers.group_id': 'this tester in this beta group',
  'beta_group_builds.group_id': 'this build in this beta group',
  'pre_release_versions.id': 'a pre-release version with this id',
  'pre_release_versions.app_id': 'a pre-release version with this version and platform in this app',
  'build_beta_details.id': 'a build with this id',
  'build_beta_details.build_id': 'a build with this id',
  'build_individual_testers.build_id': 'this tester on this build',
  'beta_crash_logs.id': 'a crash log with this id',
  'beta_feedback_screenshot_submissions.id': 'a screenshot feedback submission with this id',
  'beta_feedback_crash_submissions.id': 'a crash feedback submission with this id',
  'api_keys.key_id': 'an API key with this key id',
};
