import type { Kysely, Migration } from 'kysely';
import type { ColumnTypes } from '../backend-specifics.js';

/**
 * Every attribute and relationship of the TestFlight slice's resources (docs/architecture.md, "Data"): the
 * attributes Apple's schemas give apps, testers, groups and builds beyond what 0001 kept, and the resources 0001
 * did not keep at all: pre-release versions, build beta details, the builds of a group, the individual testers
 * of a build, feedback submissions (screenshot and crash) and crash logs. Booleans are integers 0/1 (NULL where
 * Apple's attribute may be absent), lists and objects JSON text. Rows made before this migration get Apple's
 * defaults for a resource that never set them.
 */
export function testflightResourcesSchema(types: ColumnTypes): Migration {
  return {
    async up(db: Kysely<unknown>) {
      for (const column of [
        'accessibility_url',
        'subscription_status_url',
        'subscription_status_url_version',
        'subscription_status_url_for_sandbox',
        'subscription_status_url_version_for_sandbox',
        'content_rights_declaration',
      ]) {
        await db.schema.alterTable('apps').addColumn(column, types.text).execute();
      }
      // allow_unknown_builds: whether an event may name a build the store does not know (it is then created).
      for (const column of [
        'is_or_ever_was_made_for_kids',
        'streamlined_purchasing_enabled',
        'allow_unknown_builds',
      ]) {
        await db.schema
          .alterTable('apps')
          .addColumn(column, 'integer', (c) => c.notNull().defaultTo(0))
          .execute();
      }

      // `[{model, platform, osVersion, appBuildVersion}]` as JSON, or NULL when none is known.
      await db.schema.alterTable('beta_testers').addColumn('app_devices', types.text).execute();

      for (const [column, fallback] of [
        ['has_access_to_all_builds', 0],
        ['public_link_enabled', 0],
        ['public_link_limit_enabled', 0],
        ['feedback_enabled', 1],
        ['ios_builds_available_for_apple_silicon_mac', 0],
        ['ios_builds_available_for_apple_vision', 0],
      ] as const) {
        await db.schema
          .alterTable('beta_groups')
          .addColumn(column, 'integer', (c) => c.notNull().defaultTo(fallback))
          .execute();
      }
      for (const column of ['public_link_id', 'public_link']) {
        await db.schema.alterTable('beta_groups').addColumn(column, types.text).execute();
      }
      await db.schema.alterTable('beta_groups').addColumn('public_link_limit', 'integer').execute();
      await db.schema.createIndex('beta_groups_by_app').on('beta_groups').columns(['app_id']).execute();
      await db.schema
        .createIndex('beta_group_testers_by_tester')
        .on('beta_group_testers')
        .columns(['tester_id'])
        .execute();

      await db.schema
        .createTable('pre_release_versions')
        .addColumn('id', types.text, (c) => c.primaryKey())
        .addColumn('app_id', types.text, (c) => c.notNull().references('apps.id'))
        .addColumn('version', types.text, (c) => c.notNull())
        .addColumn('platform', types.text, (c) => c.notNull())
        .addUniqueConstraint('pre_release_versions_app_platform_version', ['app_id', 'platform', 'version'])
        .execute();

      await db.schema
        .alterTable('builds')
        .addColumn('pre_release_version_id', types.text, (c) => c.references('pre_release_versions.id'))
        .execute();
      for (const column of [
        'expiration_date',
        'min_os_version',
        'ls_minimum_system_version',
        'computed_min_mac_os_version',
        'computed_min_vision_os_version',
        'icon_asset_token',
        'build_audience_type',
      ]) {
        await db.schema.alterTable('builds').addColumn(column, types.text).execute();
      }
      await db.schema
        .alterTable('builds')
        .addColumn('processing_state', types.text, (c) => c.notNull().defaultTo('VALID'))
        .execute();
      await db.schema
        .alterTable('builds')
        .addColumn('expired', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();
      await db.schema.alterTable('builds').addColumn('uses_non_exempt_encryption', 'integer').execute();
      await db.schema
        .createIndex('builds_by_pre_release_version')
        .on('builds')
        .columns(['pre_release_version_id'])
        .execute();

      // One per build, under the build's own id, as Apple's buildBetaDetail of a build has.
      await db.schema
        .createTable('build_beta_details')
        .addColumn('id', types.text, (c) => c.primaryKey())
        .addColumn('build_id', types.text, (c) => c.notNull().unique().references('builds.id'))
        .addColumn('auto_notify_enabled', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('internal_build_state', types.text, (c) => c.notNull())
        .addColumn('external_build_state', types.text, (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('beta_group_builds')
        .addColumn('group_id', types.text, (c) => c.notNull().references('beta_groups.id'))
        .addColumn('build_id', types.text, (c) => c.notNull().references('builds.id'))
        .addPrimaryKeyConstraint('beta_group_builds_pk', ['group_id', 'build_id'])
        .execute();
      await db.schema
        .createIndex('beta_group_builds_by_build')
        .on('beta_group_builds')
        .columns(['build_id'])
        .execute();

      await db.schema
        .createTable('build_individual_testers')
        .addColumn('build_id', types.text, (c) => c.notNull().references('builds.id'))
        .addColumn('tester_id', types.text, (c) => c.notNull().references('beta_testers.id'))
        .addPrimaryKeyConstraint('build_individual_testers_pk', ['build_id', 'tester_id'])
        .execute();
      await db.schema
        .createIndex('build_individual_testers_by_tester')
        .on('build_individual_testers')
        .columns(['tester_id'])
        .execute();

      await db.schema
        .createTable('beta_crash_logs')
        .addColumn('id', types.text, (c) => c.primaryKey())
        .addColumn('app_id', types.text, (c) => c.notNull().references('apps.id'))
        .addColumn('log_text', types.text, (c) => c.notNull())
        .execute();

      for (const table of [
        'beta_feedback_screenshot_submissions',
        'beta_feedback_crash_submissions',
      ] as const) {
        let create = db.schema
          .createTable(table)
          .addColumn('id', types.text, (c) => c.primaryKey())
          .addColumn('app_id', types.text, (c) => c.notNull().references('apps.id'))
          .addColumn('build_id', types.text, (c) => c.references('builds.id'))
          .addColumn('tester_id', types.text, (c) => c.references('beta_testers.id'))
          .addColumn('created_date', types.text, (c) => c.notNull());
        for (const column of [
          'comment',
          'email',
          'device_model',
          'os_version',
          'locale',
          'time_zone',
          'architecture',
          'connection_type',
          'paired_apple_watch',
          'app_platform',
          'device_platform',
          'device_family',
          'build_bundle_id',
        ]) {
          create = create.addColumn(column, types.text);
        }
        for (const column of [
          'app_uptime_in_milliseconds',
          'disk_bytes_available',
          'disk_bytes_total',
          'battery_percentage',
          'screen_width_in_points',
          'screen_height_in_points',
        ]) {
          create = create.addColumn(column, types.counter);
        }
        create =
          table === 'beta_feedback_screenshot_submissions'
            ? // `[{url, width, height, expirationDate?}]` as JSON: Apple's BetaFeedbackScreenshotImage list.
              create.addColumn('screenshots', types.text, (c) => c.notNull().defaultTo('[]'))
            : create.addColumn('crash_log_id', types.text, (c) => c.references('beta_crash_logs.id'));
        await create.execute();
        await db.schema
          .createIndex(`${table}_by_app`)
          .on(table)
          .columns(['app_id', 'created_date'])
          .execute();
      }
    },
  };
}
