import type { Kysely, Migration } from 'kysely';
import type { ColumnTypes } from '../backend-specifics.js';

/**
 * The dashboard's logins, kept in the database so that any node over it accepts a link another node
 * (or the CLI) made, and a session another node started: one-time login links and sessions, each by the
 * SHA-256 of its random token (the tokens themselves are never stored). Expired rows are deleted when new ones
 * are made; the expiry indexes keep that cheap.
 */
export function dashboardSessionSchema(types: ColumnTypes): Migration {
  return {
    async up(db: Kysely<unknown>) {
      for (const table of ['dashboard_login_links', 'dashboard_sessions']) {
        await db.schema
          .createTable(table)
          .addColumn('token_hash', types.text, (c) => c.primaryKey())
          .addColumn('created_at', types.text, (c) => c.notNull())
          .addColumn('expires_at', types.text, (c) => c.notNull())
          .execute();
        await db.schema.createIndex(`${table}_by_expiry`).on(table).columns(['expires_at']).execute();
      }
    },
  };
}
