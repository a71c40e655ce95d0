import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Database as Tables } from '../schema.js';
import { StoreOpenError } from '../store-open-error.js';

export interface PostgresLocation {
  /** `postgres://user@host:5432/db` (libpq's `?options=-c search_path=...` picks a schema). */
  readonly databaseUrl: string;
  /** Connections in this process's pool. */
  readonly poolSize?: number;
}

export const DEFAULT_POOL_SIZE = 10;
const MIN_SERVER_VERSION = 150_000;

/**
 * Opens a pool on PostgreSQL 15 or newer and checks it answers. A query waits at most 5 s for a connection,
 * so a database that goes away makes requests fail fast (503) instead of hanging; the pool reconnects by
 * itself when it comes back.
 */
export async function openPostgresDatabase(
  location: PostgresLocation,
): Promise<{ db: Kysely<Tables>; pool: pg.Pool; schema: string }> {
  const pool = new pg.Pool({
    connectionString: location.databaseUrl,
    max: location.poolSize ?? DEFAULT_POOL_SIZE,
    connectionTimeoutMillis: 5_000,
  });
  // An idle connection the server closes (a restart, a failover) must not crash the process: the next query
  // opens a new one.
  pool.on('error', () => {});
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
  return { db: new Kysely<Tables>({ dialect: new PostgresDialect({ pool }) }), pool, schema };
}

/** The URL without its password, for messages. */
export function redactedUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    parsed.search = '';
    return parsed.toString();
  } catch {
    return 'the database URL';
  }
}

function reason(error: unknown): string {
  if (error instanceof Error)
    return (error as { code?: string }).code ?? error.message.split('\n')[0] ?? 'error';
  return String(error);
}
