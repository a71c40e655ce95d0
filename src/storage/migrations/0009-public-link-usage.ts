import type { Kysely, Migration } from 'kysely';
import { sql } from '../kysely.js';
import type { ColumnTypes } from '../backend-specifics.js';

/**
 * The sibling metrics endpoints (docs/apple-behavior.md, §7):
 * - public-link events name their beta group and, for a decline, its reason: two columns of `usage_events`,
 *   NULL on every other event;
 * - `public_link_daily`, per app, group and UTC day, the counts GET /v1/betaGroups/{id}/metrics/publicLinkUsages
 *   sums (views, accepts, declines by reason, viewers who did not meet the criteria), raised in the same
 *   transaction as the events (queries/append-usage.ts), keyed by app first like every usage table;
 * - `usage_build_daily`, per app, build number and UTC day, the counts of every tester together, so a build's
 *   usage (GET /v1/builds/{id}/metrics/betaBuildUsages) reads at most a year of rows. An index of `usage_daily`
 *   by build would serve the same read, but costs an entry per new tester, day and build at every write (the
 *   demo's load took a third longer with one); this costs one row per build and day.
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

      let builds = db.schema
        .createTable('usage_build_daily')
        .addColumn('app_id', types.text, (c) => c.notNull())
        .addColumn('build', types.text, (c) => c.notNull())
        .addColumn('day', types.text, (c) => c.notNull());
      for (const column of ['install_count', 'session_count', 'crash_count', 'feedback_count']) {
        builds = builds.addColumn(column, types.counter, (c) => c.notNull());
      }
      builds = builds.addPrimaryKeyConstraint('usage_build_daily_pk', ['app_id', 'build', 'day']);
      if (types.keyOrderedTable !== undefined) builds = builds.modifyEnd(types.keyOrderedTable);
      await builds.execute();
      // A store with data before: its builds' counts from the daily rollups.
      await sql`
        insert into usage_build_daily (app_id, build, day, install_count, session_count, crash_count, feedback_count)
        select app_id, build, day, sum(install_count), sum(session_count), sum(crash_count), sum(feedback_count)
        from usage_daily
        group by app_id, build, day
      `.execute(db);
    },
  };
}
