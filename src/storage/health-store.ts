import type { PoolStats } from '../domain/records/pool-stats.js';
import type { ReadCacheStats } from '../domain/records/read-cache-stats.js';

/** How the store itself is doing: what GET /healthz and GET /metrics report. */
export interface HealthStore {
  /** Connections of this process's pool (PostgreSQL); undefined for the embedded store. */
  poolStats(): PoolStats | undefined;

  /**
   * Why the database could not serve a write of this store in the last few seconds (the cause of its
   * StoreUnavailableError), unless that same write method has succeeded since; undefined when none failed so.
   * A full disk or a read-only database still answers reads: this is how a read (GET /healthz) learns that
   * writes fail.
   */
  unavailableRecently(): string | undefined;

  /** The read caches of keys and data versions (read-caches.ts): whether they are in use, and their counts. */
  readCaches(): ReadCacheStats | undefined;
}
