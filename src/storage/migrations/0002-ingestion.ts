import type { Kysely, Migration } from 'kysely';

/**
 * Ingestion: per-app write-only keys (their SHA-256 only), and what ingestion accepted, found duplicate and
 * refused per app, with the reasons, so nothing is ever dropped without a trace.
 */
export const ingestionSchema: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('ingest_keys')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('app_id', 'text', (c) => c.notNull().references('apps.id'))
      .addColumn('key_hash', 'text', (c) => c.notNull().unique())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('revoked_at', 'text')
      .execute();

    await db.schema
      .createTable('ingest_stats')
      .addColumn('app_id', 'text', (c) => c.primaryKey())
      .addColumn('accepted', 'integer', (c) => c.notNull())
      .addColumn('duplicates', 'integer', (c) => c.notNull())
      .addColumn('rejected', 'integer', (c) => c.notNull())
      .addColumn('refused_batches', 'integer', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('ingest_rejections')
      .addColumn('app_id', 'text', (c) => c.notNull())
      .addColumn('reason', 'text', (c) => c.notNull())
      .addColumn('count', 'integer', (c) => c.notNull())
      .addColumn('last_at', 'text', (c) => c.notNull())
      .addColumn('last_detail', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('ingest_rejections_pk', ['app_id', 'reason'])
      .execute();
  },
};
