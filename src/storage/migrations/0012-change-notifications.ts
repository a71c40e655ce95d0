import type { Kysely, Migration } from 'kysely';
import type { ColumnTypes } from '../backend-specifics.js';
import type { MigrationBackend } from './index.js';

/**
 * What tells every process of a change to the rows the read caches keep (read-caches.ts): API keys, apps'
 * data versions, apps. On PostgreSQL, triggers that notify each committed change
 * (postgres/change-triggers.ts), heard by each node's LISTEN session (postgres/change-listener.ts). SQLite
 * needs nothing in the schema: its `PRAGMA data_version` tells (sqlite/data-version-feed.ts).
 */
export function changeNotificationsSchema(_types: ColumnTypes, backend: MigrationBackend): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await backend.createChangeNotifications(db);
    },
  };
}
