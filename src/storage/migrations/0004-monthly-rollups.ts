import type { Kysely, Migration } from 'kysely';
import { sql } from '../kysely.js';
import type { ColumnTypes } from '../backend-specifics.js';

/**
 * Metrics over long windows: `usage_monthly`, per app, tester and UTC month, so a year is about a
 * dozen rows per tester instead of hundreds of daily ones; and `app_data_versions`, a number every write that
 * changes an app's metrics raises in its own transaction, so any node can tell whether an answer it keeps is
 * still the answer. Both are filled from the daily rollups of a store that had data before.
 */
export function monthlyRollupSchema(types: ColumnTypes): Migration {
  return {
    async up(db: Kysely<unknown>) {
      let monthly = db.schema
        .createTable('usage_monthly')
        .addColumn('app_id', types.text, (c) => c.notNull())
        .addColumn('tester_id', types.text, (c) => c.notNull())
        .addColumn('month', types.text, (c) => c.notNull())
        .addColumn('install_count', types.counter, (c) => c.notNull())
        .addColumn('session_count', types.counter, (c) => c.notNull())
        .addColumn('crash_count', types.counter, (c) => c.notNull())
        .addColumn('feedback_count', types.counter, (c) => c.notNull())
        .addPrimaryKeyConstraint('usage_monthly_pk', ['app_id', 'tester_id', 'month']);
      if (types.keyOrderedTable !== undefined) monthly = monthly.modifyEnd(types.keyOrderedTable);
      await monthly.execute();
      await sql`
        insert into usage_monthly (app_id, tester_id, month, install_count, session_count, crash_count, feedback_count)
        select app_id, tester_id, substr(day, 1, 7), sum(install_count), sum(session_count), sum(crash_count), sum(feedback_count)
        from usage_daily
        group by app_id, tester_id, substr(day, 1, 7)
      `.execute(db);

      await db.schema
        .createTable('app_data_versions')
        .addColumn('app_id', types.text, (c) => c.primaryKey())
        .addColumn('version', types.counter, (c) => c.notNull())
        .execute();
      await sql`insert into app_data_versions (app_id, version) select id, 1 from apps`.execute(db);
    },
  };
}
