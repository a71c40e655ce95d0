import type { Kysely, Migration } from 'kysely';
import type { ColumnTypes } from '../backend-specifics.js';

/**
 * Ingestion: per-app write-only keys (their SHA-256 only), and what ingestion accepted, found duplicate and
 * refused per app, with the reasons, so nothing is ever dropped without a trace.
 */
export function ingestionSchema(types: ColumnTypes): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('ingest_keys')
        .addColumn('id', types.text, (c) => c.primaryKey())
        .addColumn('app_id', types.text, (c) => c.notNull().references('apps.id'))
        .addColumn('key_hash', types.text, (c) => c.notNull().unique())
        .addColumn('created_at', types.text, (c) => c.notNull())
        .addColumn('revoked_at', types.text)
        .execute();

      await db.schema
        .createTable('ingest_stats')
        .addColumn('app_id', types.text, (c) => c.primaryKey())
        .addColumn('accepted', types.counter, (c) => c.notNull())
        .addColumn('duplicates', types.counter, (c) => c.notNull())
        .addColumn('rejected', types.counter, (c) => c.notNull())
        .addColumn('refused_batches', types.counter, (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('ingest_rejections')
        .addColumn('app_id', types.text, (c) => c.notNull())
        .addColumn('reason', types.text, (c) => c.notNull())
        .addColumn('count', types.counter, (c) => c.notNull())
        .addColumn('last_at', types.text, (c) => c.notNull())
        .addColumn('last_detail', types.text, (c) => c.notNull())
        .addPrimaryKeyConstraint('ingest_rejections_pk', ['app_id', 'reason'])
        .execute();
    },
  };
}
