import type { Kysely, Migration } from 'kysely';
import type { ColumnTypes } from '../backend-specifics.js';

/**
 * Requests per API key per minute, so every node over one database counts against the same hourly budget
 * (a rolling hour of whole minutes). Rows older than two hours are deleted by the hourly maintenance.
 */
export function rateLimitSchema(types: ColumnTypes): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('rate_limit_counts')
        .addColumn('key_id', types.text, (c) => c.notNull())
        .addColumn('minute', types.counter, (c) => c.notNull())
        .addColumn('count', 'integer', (c) => c.notNull())
        .addPrimaryKeyConstraint('rate_limit_counts_pk', ['key_id', 'minute'])
        .execute();
    },
  };
}
