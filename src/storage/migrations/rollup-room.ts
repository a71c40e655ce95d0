import type { Kysely, Migration } from 'kysely';
import type { ColumnTypes, UpdatedRollup } from '../backend-specifics.js';
import type { MigrationBackend } from './index.js';

/**
 * Room on the pages of a rollup for its rows' next versions, where the backend writes an update as a new
 * version of the row (PostgreSQL: BackendSpecifics.leaveRoomForRollupUpdates). SQLite needs nothing.
 * Migration 0015 for the monthly rollups, 0016 for the daily ones (docs/architecture.md, "Room for the rollups").
 */
export function rollupRoomSchema(table: UpdatedRollup) {
  return (_types: ColumnTypes, backend: MigrationBackend): Migration => ({
    async up(db: Kysely<unknown>) {
      await backend.leaveRoomForRollupUpdates(db, table);
    },
  });
}
