import type pg from 'pg';

/** The session's backend as PostgreSQL names it: the one it gave at connection unless a pooler is between. */
export const OWN_PID: pg.QueryConfig = { text: 'select pg_backend_pid() as pid' };

/**
 * Whether a client's statements run in the one server session it connected to: the backend's pid is the one
 * PostgreSQL gave at connection (BackendKeyData). A pooler that moves sessions between clients (PgBouncer in
 * transaction mode) answers the connection itself, with a key of its own. Asked by the change feed
 * (change-listener.ts), whose fences ask it as a named statement, and before a connection names its statements
 * (prepared-statements.ts).
 */
export async function ownSession(client: pg.ClientBase, query: pg.QueryConfig = OWN_PID): Promise<boolean> {
  const { rows } = await client.query<{ pid: number }>(query);
  return rows[0]?.pid === (client as unknown as { processID: number | null }).processID;
}
