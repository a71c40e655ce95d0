/**
 * Where a PostgreSQL store is, and what the CLI shows of it: nothing here loads `pg` (backend.ts and
 * connection.ts do), so a process serving an embedded store never loads it.
 */
export interface PostgresLocation {
  /** `postgres://user@host:5432/db` (libpq's `?options=-c search_path=...` picks a schema). */
  readonly databaseUrl: string;
  /** Connections in this process's pool. */
  readonly poolSize?: number;
  /**
   * How long one query may take, in ms, before its request fails (503) instead of hanging on a database
   * that stopped answering without closing its connections; 0: no limit. Default 30 s.
   */
  readonly queryTimeoutMs?: number;
  /**
   * A read replica of the same database: the snapshot reads of the metrics path (pages of testers and their
   * values, app and tester listings) go there; everything else (keys, revocations, rate limits, settings,
   * writes) stays on the primary.
   */
  readonly readReplicaUrl?: string;
}

export const DEFAULT_POOL_SIZE = 10;
export const DEFAULT_QUERY_TIMEOUT_MS = 30_000;

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
