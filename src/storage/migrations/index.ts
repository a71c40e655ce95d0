import type { Migration } from 'kysely';
import type { BackendSpecifics, ColumnTypes } from '../backend-specifics.js';
import { initialSchema } from './0001-initial.js';
import { ingestionSchema } from './0002-ingestion.js';
import { rateLimitSchema } from './0003-rate-limits.js';
import { monthlyRollupSchema } from './0004-monthly-rollups.js';
import { dashboardSessionSchema } from './0005-dashboard-sessions.js';
import { dailyRollupsByDaySchema } from './0006-daily-rollups-by-day.js';
import { keyCapabilitiesSchema } from './0007-key-capabilities.js';
import { testflightResourcesSchema } from './0008-testflight-resources.js';
import { publicLinkUsageSchema } from './0009-public-link-usage.js';
import { betaGroupNamesSchema } from './0010-beta-group-names.js';
import { feedbackContentSchema } from './0011-feedback-content.js';
import { changeNotificationsSchema } from './0012-change-notifications.js';
import { testerDeleteNotificationsSchema } from './0013-tester-delete-notifications.js';
import { listingVersionsSchema } from './0014-listing-versions.js';
import { rollupRoomSchema } from './rollup-room.js';
import { MIGRATION_NAMES, type MigrationName } from './migration-names.js';

/**
 * Every migration by its name (migration-names.ts, the order Kysely runs them in: name order), written once for
 * all backends: each gets the backend's column types, and the backend itself for what only one backend has
 * (the triggers of 0012 and 0013). A name without a schema, or a schema without a name, does not compile.
 */
const SCHEMAS: {
  readonly [name in MigrationName]: (types: ColumnTypes, backend: MigrationBackend) => Migration;
} = {
  '0001-initial': initialSchema,
  '0002-ingestion': ingestionSchema,
  '0003-rate-limits': rateLimitSchema,
  '0004-monthly-rollups': monthlyRollupSchema,
  '0005-dashboard-sessions': dashboardSessionSchema,
  '0006-daily-rollups-by-day': dailyRollupsByDaySchema,
  '0007-key-capabilities': keyCapabilitiesSchema,
  '0008-testflight-resources': testflightResourcesSchema,
  '0009-public-link-usage': publicLinkUsageSchema,
  '0010-beta-group-names': betaGroupNamesSchema,
  '0011-feedback-content': feedbackContentSchema,
  '0012-change-notifications': changeNotificationsSchema,
  '0013-tester-delete-notifications': testerDeleteNotificationsSchema,
  '0014-listing-versions': listingVersionsSchema,
  '0015-monthly-rollup-room': rollupRoomSchema('usage_monthly'),
  '0016-daily-rollup-room': rollupRoomSchema('usage_daily'),
};

/** What a migration may ask of the backend besides its column types. */
export type MigrationBackend = Pick<
  BackendSpecifics,
  | 'columnTypes'
  | 'createChangeNotifications'
  | 'createTesterDeleteNotifications'
  | 'leaveRoomForRollupUpdates'
>;

export { MIGRATION_NAMES };

/** Every migration, by name, for `backend`. Kysely records which ran. */
export function migrations(backend: MigrationBackend): Record<string, Migration> {
  return Object.fromEntries(
    MIGRATION_NAMES.map((name) => [name, SCHEMAS[name](backend.columnTypes, backend)]),
  );
}
