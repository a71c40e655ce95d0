import type { Kysely, Migration } from 'kysely';
import { sql } from '../kysely.js';
import type { ColumnTypes } from '../backend-specifics.js';

/**
 * `app_data_versions.listing_version`: raised with `version` by every write but ingestion's batches that make
 * no tester newly INSTALLED (queries/data-versions.ts), so it changes whenever who an app's metrics list may
 * have changed, and not for usage alone. A listing's total is kept at it (queries/usage.ts, readUsagePage):
 * the page read after a batch of usage does not count the listing again (docs/architecture.md, "Cold pages").
 * Starts equal to `version`, so a total kept before the migration is counted again.
 */
export function listingVersionsSchema(types: ColumnTypes): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .alterTable('app_data_versions')
        .addColumn('listing_version', types.counter, (c) => c.notNull().defaultTo(0))
        .execute();
      await sql`update app_data_versions set listing_version = version`.execute(db);
    },
  };
}
