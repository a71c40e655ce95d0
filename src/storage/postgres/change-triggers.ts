import type { Kysely } from 'kysely';
import { sql } from '../kysely.js';

/** The channel the store's triggers notify on and each store LISTENs to (change-listener.ts). */
export const CHANGE_CHANNEL = 'beta_metrics_changes';

/**
 * Tables whose changes are notified, with the column naming the row. `apps` is there because an app's data
 * version exists only while the app does (queries/data-versions.ts): its rows are told as versions.
 */
export const NOTIFIED_TABLES = [
  { table: 'api_keys', key: 'key_id' },
  { table: 'app_data_versions', key: 'app_id' },
  { table: 'apps', key: 'id' },
] as const;

/** A key longer than this is not named: the notification then means every row of its table. */
const MAX_NOTIFIED_KEY_BYTES = 1_000;

/**
 * Migration 0012 on PostgreSQL: after every committed insert, update or delete of a row of NOTIFIED_TABLES,
 * `pg_notify('beta_metrics_changes', '<schema>.<table>:<key>')`; after a TRUNCATE (a snapshot's restore),
 * `'<schema>.<table>'`. PostgreSQL delivers a notification only once its transaction commits, and folds
 * repeats of one payload within a transaction into one. The schema tells apart stores sharing a database
 * (one schema each): a node hears only its own store's changes. pg_notify refuses a payload of 8,000 bytes
 * or more, which would fail the write: a longer key is left out (MAX_NOTIFIED_KEY_BYTES).
 */
export async function createChangeTriggers(db: Kysely<unknown>): Promise<void> {
  await sql`
    create function beta_metrics_notify_change() returns trigger language plpgsql as $$
    declare
      payload text := tg_table_schema || '.' || tg_table_name;
      row_key text;
    begin
      if tg_level = 'ROW' then
        row_key := case when tg_op = 'DELETE' then to_jsonb(old) else to_jsonb(new) end ->> tg_argv[0];
        if tg_op = 'UPDATE' and row_key is distinct from to_jsonb(old) ->> tg_argv[0] then
          row_key := null;
        end if;
        if row_key is not null and octet_length(row_key) <= ${sql.lit(MAX_NOTIFIED_KEY_BYTES)} then
          payload := payload || ':' || row_key;
        end if;
      end if;
      perform pg_notify(${sql.lit(CHANGE_CHANNEL)}, payload);
      return null;
    end
    $$
  `.execute(db);
  for (const { table, key } of NOTIFIED_TABLES) {
    await sql`
      create trigger ${sql.id(`${table}_notify_rows`)}
      after insert or update or delete on ${sql.table(table)}
      for each row execute function beta_metrics_notify_change(${sql.lit(key)})
    `.execute(db);
    await notifyTruncate(db, table);
  }
}

/**
 * Migration 0013 on PostgreSQL: a tester's delete, `'<schema>.beta_testers:<id>'`, and a TRUNCATE of
 * `beta_testers`, through 0012's function. The read caches keep only testers that exist (read-caches.ts), so
 * nothing else can make what they keep wrong; inserts and updates are not told, so ingestion's bulk inserts
 * of testers pay no notification per row.
 */
export async function createTesterDeleteTriggers(db: Kysely<unknown>): Promise<void> {
  await sql`
    create trigger beta_testers_notify_deletes
    after delete on beta_testers
    for each row execute function beta_metrics_notify_change('id')
  `.execute(db);
  await notifyTruncate(db, 'beta_testers');
}

async function notifyTruncate(db: Kysely<unknown>, table: string): Promise<void> {
  await sql`
    create trigger ${sql.id(`${table}_notify_truncate`)}
    after truncate on ${sql.table(table)}
    for each statement execute function beta_metrics_notify_change()
  `.execute(db);
}
