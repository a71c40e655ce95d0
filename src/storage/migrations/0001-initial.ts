import { type Kysely, type Migration, sql } from 'kysely';

/**
 * The first schema: entities, api keys, usage facts and daily rollups (ARCHITECTURE.md "Data"). Portable DDL
 * only (text and integer columns, primary keys, partial indexes), so SQLite and PostgreSQL share it.
 */
export const initialSchema: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('apps')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('bundle_id', 'text', (c) => c.notNull().unique())
      .addColumn('sku', 'text', (c) => c.notNull())
      .addColumn('primary_locale', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('beta_testers')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('email', 'text', (c) => c.notNull())
      .addColumn('email_key', 'text', (c) => c.notNull().unique())
      .addColumn('first_name', 'text')
      .addColumn('last_name', 'text')
      .addColumn('invite_type', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('app_testers')
      .addColumn('app_id', 'text', (c) => c.notNull().references('apps.id'))
      .addColumn('tester_id', 'text', (c) => c.notNull().references('beta_testers.id'))
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('invited_at', 'text', (c) => c.notNull())
      .addColumn('installed_at', 'text')
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
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('app_id', 'text', (c) => c.notNull().references('apps.id'))
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('is_internal', 'integer', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('beta_group_testers')
      .addColumn('group_id', 'text', (c) => c.notNull().references('beta_groups.id'))
      .addColumn('tester_id', 'text', (c) => c.notNull().references('beta_testers.id'))
      .addPrimaryKeyConstraint('beta_group_testers_pk', ['group_id', 'tester_id'])
      .execute();

    await db.schema
      .createTable('builds')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('app_id', 'text', (c) => c.notNull().references('apps.id'))
      .addColumn('version', 'text', (c) => c.notNull())
      .addColumn('uploaded_at', 'text', (c) => c.notNull())
      .addUniqueConstraint('builds_app_version', ['app_id', 'version'])
      .execute();

    await db.schema
      .createTable('api_keys')
      .addColumn('key_id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('role', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('public_key', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('revoked_at', 'text')
      .execute();

    // High-volume tables: no foreign keys (ingestion validates apps and testers before writing), keyed by app
    // first so they can be sharded by app id.
    await db.schema
      .createTable('usage_events')
      .addColumn('id', 'text', (c) => c.notNull())
      .addColumn('app_id', 'text', (c) => c.notNull())
      .addColumn('tester_id', 'text', (c) => c.notNull())
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('occurred_at', 'text', (c) => c.notNull())
      .addColumn('day', 'text', (c) => c.notNull())
      .addColumn('build', 'text', (c) => c.notNull())
      .addColumn('platform', 'text')
      .addColumn('device', 'text')
      .addColumn('os_version', 'text')
      .addColumn('received_at', 'text', (c) => c.notNull())
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
      .addColumn('app_id', 'text', (c) => c.notNull())
      .addColumn('tester_id', 'text', (c) => c.notNull())
      .addColumn('day', 'text', (c) => c.notNull())
      .addColumn('build', 'text', (c) => c.notNull())
      .addColumn('install_count', 'integer', (c) => c.notNull())
      .addColumn('session_count', 'integer', (c) => c.notNull())
      .addColumn('crash_count', 'integer', (c) => c.notNull())
      .addColumn('feedback_count', 'integer', (c) => c.notNull())
      .addPrimaryKeyConstraint('usage_daily_pk', ['app_id', 'tester_id', 'day', 'build'])
      .execute();

    await db.schema
      .createTable('settings')
      .addColumn('name', 'text', (c) => c.primaryKey())
      .addColumn('value', 'text', (c) => c.notNull())
      .execute();
  },
};
