import { Kysely, PostgresDialect } from '../kysely.js';
import pg from 'pg';
import type { Database as Tables } from '../schema.js';
import { StoreOpenError } from '../store-open-error.js';
import { nameStatements, StatementNames } from './prepared-statements.js';
import {
  DEFAULT_POOL_SIZE,
  DEFAULT_QUERY_TIMEOUT_MS,
  type PostgresLocation,
  redactedUrl,
} from './location.js';

export {
  DEFAULT_POOL_SIZE,
  DEFAULT_QUERY_TIMEOUT_MS,
  type PostgresLocation,
  redactedUrl,
} from './location.js';

const MIN_SERVER_VERSION = 150_000;

/**
 * Opens a pool on PostgreSQL 15 or newer and checks it answers. A query waits at most 5 s for a connection,
 * so a database that goes away makes requests fail fast (503) instead of hanging; the pool reconnects by
 * itself when it comes back.
 */
export async function openPostgresDatabase(
  location: PostgresLocation,
): Promise<{ db: Kysely<Tables>; pool: pg.Pool; schema: string }> {
  const queryTimeout = location.queryTimeoutMs ?? DEFAULT_QUERY_TIMEOUT_MS;
  const pool = new pg.Pool({
    connectionString: location.databaseUrl,
    max: location.poolSize ?? DEFAULT_POOL_SIZE,
    connectionTimeoutMillis: 5_000,
    // A database that stops answering without closing its connections (a network partition, a hung server)
    // would otherwise hold every request forever: give up on a query after this long, and let TCP keepalive
    // find dead connections.
    ...(queryTimeout > 0 && { query_timeout: queryTimeout }),
    keepAlive: true,
  });
  // An idle connection the server closes (a restart, a failover) must not crash the process: the next query
  // opens a new one.
  pool.on('error', () => {});
  // The same for a connection that dies while a request holds it: node-postgres fails its query (answered
  // 503) and also emits 'error' on the client, where the pool listens only while the client is idle; with no
  // listener that event would crash the process. The pool drops the broken client when it is released.
  pool.on('connect', (client) => client.on('error', () => {}));
  let version: number;
  let schema: string;
  try {
    const result = await pool.query<{ version: number; schema: string }>(
      "select current_setting('server_version_num')::int as version, current_schema() as schema",
    );
    version = result.rows[0]?.version ?? 0;
    schema = result.rows[0]?.schema ?? 'public';
  } catch (error) {
    await pool.end().catch(() => {});
    throw new StoreOpenError(
      `cannot reach PostgreSQL at ${redactedUrl(location.databaseUrl)} (${reason(error)}); check --database-url and that the server is up`,
    );
  }
  if (version < MIN_SERVER_VERSION) {
    await pool.end();
    throw new StoreOpenError(
      `PostgreSQL 15 or newer is needed; ${redactedUrl(location.databaseUrl)} runs ${version}`,
    );
  }
  // Kysely takes its connections here: a failure to open one is marked as such (failedToConnect).
  // Each of its clients runs Kysely's statements named (prepared-statements.ts).
  const names = new StatementNames();
  const connecting = {
    connect: async () => {
      const client = await pool.connect().catch(markConnectFailure);
      try {
        return await nameStatements(client, names);
      } catch (error) {
        // The session's setting failed: a connection that broke as it opened. The pool drops it.
        client.release(error instanceof Error ? error : true);
        return markConnectFailure(error);
      }
    },
    end: () => pool.end(),
  };
  return { db: new Kysely<Tables>({ dialect: new PostgresDialect({ pool: connecting }) }), pool, schema };
}

const connectFailures = new WeakSet<object>();

/** Marks `error` as a failure to open a connection (see failedToConnect), and throws it. */
export function markConnectFailure(error: unknown): never {
  if (typeof error === 'object' && error !== null) connectFailures.add(error);
  throw error;
}

/**
 * Whether `error` came from opening a connection rather than from a statement. Every such failure means the
 * database cannot serve now, whatever its SQLSTATE, and some of those SQLSTATEs mean other things in a
 * statement: PostgreSQL refuses a session to a database with ALLOW_CONNECTIONS false with 55000
 * (object_not_in_prerequisite_state), which a statement gets for, say, `lastval()` before any `nextval()`.
 */
export function failedToConnect(error: unknown): boolean {
  return typeof error === 'object' && error !== null && connectFailures.has(error);
}

function reason(error: unknown): string {
  if (error instanceof Error)
    return (error as { code?: string }).code ?? error.message.split('\n')[0] ?? 'error';
  return String(error);
}
