import type { Kysely, Migration } from 'kysely';
import type { ColumnTypes } from '../backend-specifics.js';

/**
 * The sibling metrics endpoints (docs/apple-behavior.md, §7):
 * - public-link events name their beta group and, for a decline, its reason: two columns of `usage_events`,
 *   NULL on every other event;
 * - `public_link_daily`, per app, group and UTC day, the counts GET /v1/betaGroups/{id}/metrics/publicLinkUsages
 *   sums (views, accepts, declines by reason, viewers who did not meet the criteria), raised in the same
 *   transaction as the events (queries/append-usage.ts), keyed by app first like every usage table;
 * - an index of the daily rollups by build, so a build's usage (GET /v1/builds/{id}/metrics/betaBuildUsages)
 *   reads that build's rows only, not every row of the app's year.
 */
export function publicLinkUsageSchema(types: ColumnTypes): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable('usage_events').addColumn('group_id', types.text).execute();
      await db.schema.alterTable('usage_events').addColumn('reason', types.text).execute();

      let daily = db.schema
        .createTable('public_link_daily')
        .addColumn('app_id', types.text, (c) => c.notNull())
        .addColumn('group_id', types.text, (c) => c.notNull())
        .addColumn('day', types.text, (c) => c.notNull());
      for (const column of [
        'view_count',
        'accept_count',
        'decline_count',
        'not_relevant_count',
        'not_clear_count',
        'not_interesting_count',
        'criteria_not_met_count',
      ]) {
        daily = daily.addColumn(column, types.counter, (c) => c.notNull());
      }
      daily = daily.addPrimaryKeyConstraint('public_link_daily_pk', ['app_id', 'group_id', 'day']);
      if (types.keyOrderedTable !== undefined) daily = daily.modifyEnd(types.keyOrderedTable);
      await daily.execute();

      await db.schema
        .createIndex('usage_daily_by_build')
        .on('usage_daily')
        .columns(['app_id', 'build', 'day'])
        .execute();
    },
  };
}
