import type { Kysely, Migration } from 'kysely';
import { sql } from '../kysely.js';
import type { ColumnTypes } from '../backend-specifics.js';

/**
 * The first schema: entities, api keys, usage facts and daily rollups (ARCHITECTURE.md "Data"). Portable DDL
 * only (text and integer columns, primary keys, partial indexes), so SQLite and PostgreSQL share it.
 */
export function initialSchema(types: ColumnTypes): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('apps')
        .addColumn('id', types.text, (c) => c.primaryKey())
        .addColumn('name', types.text, (c) => c.notNull())
        .addColumn('bundle_id', types.text, (c) => c.notNull().unique())
        .addColumn('sku', types.text, (c) => c.notNull())
        .addColumn('primary_locale', types.text, (c) => c.notNull())
        .addColumn('created_at', types.text, (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('beta_testers')
        .addColumn('id', types.text, (c) => c.primaryKey())
        .addColumn('email', types.text, (c) => c.notNull())
        .addColumn('email_key', types.text, (c) => c.notNull().unique())
        .addColumn('first_name', types.text)
        .addColumn('last_name', types.text)
        .addColumn('invite_type', types.text, (c) => c.notNull())
        .addColumn('created_at', types.text, (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('app_testers')
        .addColumn('app_id', types.text, (c) => c.notNull().references('apps.id'))
        .addColumn('tester_id', types.text, (c) => c.notNull().references('beta_testers.id'))
        .addColumn('state', types.text, (c) => c.notNull())
        .addColumn('invited_at', types.text, (c) => c.notNull())
        .addColumn('installed_at', types.text)
        .addPrimaryKeyConstraint('app_testers_pk', ['app_id', 'tester_id'])
        .execute();
      await db.schema.createIndex('app_testers_by_tester').on('app_testers').columns(['tester_id']).execute();
      // The testers a metrics answer lists, in its order; also counts `meta.paging.total` without usage rows.
      await db.schema
        .createIndex('app_testers_installed')
        .on('app_testers')
        .columns(['app_id', 'tester_id'])
        .where(sql.ref('installed_at'), 'is not', null)
        .execute();

      await db.schema
        .createTable('beta_groups')
        .addColumn('id', types.text, (c) => c.primaryKey())
        .addColumn('app_id', types.text, (c) => c.notNull().references('apps.id'))
        .addColumn('name', types.text, (c) => c.notNull())
        .addColumn('is_internal', 'integer', (c) => c.notNull())
        .addColumn('created_at', types.text, (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('beta_group_testers')
        .addColumn('group_id', types.text, (c) => c.notNull().references('beta_groups.id'))
        .addColumn('tester_id', types.text, (c) => c.notNull().references('beta_testers.id'))
        .addPrimaryKeyConstraint('beta_group_testers_pk', ['group_id', 'tester_id'])
        .execute();

      await db.schema
        .createTable('builds')
        .addColumn('id', types.text, (c) => c.primaryKey())
        .addColumn('app_id', types.text, (c) => c.notNull().references('apps.id'))
        .addColumn('version', types.text, (c) => c.notNull())
        .addColumn('uploaded_at', types.text, (c) => c.notNull())
        .addUniqueConstraint('builds_app_version', ['app_id', 'version'])
        .execute();

      await db.schema
        .createTable('api_keys')
        .addColumn('key_id', types.text, (c) => c.primaryKey())
        .addColumn('name', types.text, (c) => c.notNull())
        .addColumn('role', types.text, (c) => c.notNull())
        .addColumn('kind', types.text, (c) => c.notNull())
        .addColumn('public_key', types.text, (c) => c.notNull())
        .addColumn('created_at', types.text, (c) => c.notNull())
        .addColumn('revoked_at', types.text)
        .execute();

      // High-volume tables: no foreign keys (ingestion validates apps and testers before writing), keyed by app
      // first so they can be sharded by app id.
      await db.schema
        .createTable('usage_events')
        .addColumn('id', types.text, (c) => c.notNull())
        .addColumn('app_id', types.text, (c) => c.notNull())
        .addColumn('tester_id', types.text, (c) => c.notNull())
        .addColumn('type', types.text, (c) => c.notNull())
        .addColumn('occurred_at', types.text, (c) => c.notNull())
        .addColumn('day', types.text, (c) => c.notNull())
        .addColumn('build', types.text, (c) => c.notNull())
        .addColumn('platform', types.text)
        .addColumn('device', types.text)
        .addColumn('os_version', types.text)
        .addColumn('received_at', types.text, (c) => c.notNull())
        // Event ids are the client's own: unique per app, so one app's ids can never shadow another's.
        .addPrimaryKeyConstraint('usage_events_pk', ['app_id', 'id'])
        .execute();
      await db.schema
        .createIndex('usage_events_by_app_time')
        .on('usage_events')
        .columns(['app_id', 'occurred_at'])
        .execute();

      await db.schema
        .createTable('usage_daily')
        .addColumn('app_id', types.text, (c) => c.notNull())
        .addColumn('tester_id', types.text, (c) => c.notNull())
        .addColumn('day', types.text, (c) => c.notNull())
        .addColumn('build', types.text, (c) => c.notNull())
        .addColumn('install_count', 'integer', (c) => c.notNull())
        .addColumn('session_count', 'integer', (c) => c.notNull())
        .addColumn('crash_count', 'integer', (c) => c.notNull())
        .addColumn('feedback_count', 'integer', (c) => c.notNull())
        .addPrimaryKeyConstraint('usage_daily_pk', ['app_id', 'tester_id', 'day', 'build'])
        .execute();

      await db.schema
        .createTable('settings')
        .addColumn('name', types.text, (c) => c.primaryKey())
        .addColumn('value', types.text, (c) => c.notNull())
        .execute();
    },
  };
}
