import type { Kysely, Migration } from 'kysely';
import type { ColumnTypes } from '../backend-specifics.js';
import type { MigrationBackend } from './index.js';

/**
 * Room on the pages of the monthly rollups for their rows' next versions, where the backend writes an update as
 * a new version of the row (PostgreSQL: BackendSpecifics.leaveRoomForRollupUpdates). SQLite needs nothing.
 */
export function monthlyRollupRoomSchema(_types: ColumnTypes, backend: MigrationBackend): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await backend.leaveRoomForRollupUpdates(db);
    },
  };
}
