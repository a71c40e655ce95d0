import type { Kysely, Migration } from 'kysely';
import type { ColumnTypes } from '../backend-specifics.js';
import type { MigrationBackend } from './index.js';

/**
 * What tells every process that a beta tester is gone, for the read cache of which testers exist
 * (read-caches.ts). On PostgreSQL, triggers that notify each committed delete of a tester, by id, and each
 * TRUNCATE of `beta_testers` (postgres/change-triggers.ts), heard as 0012's are (postgres/change-listener.ts);
 * not inserts or updates, which ingestion makes in bulk. SQLite needs nothing in the schema: its
 * `PRAGMA data_version` tells of every commit (sqlite/data-version-feed.ts).
 */
export function testerDeleteNotificationsSchema(_types: ColumnTypes, backend: MigrationBackend): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await backend.createTesterDeleteNotifications(db);
    },
  };
}
