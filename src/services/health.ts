import type { PoolStats } from '../domain/records/pool-stats.js';
import type { ReadCacheStats } from '../domain/records/read-cache-stats.js';
import { StoreUnavailableError } from '../domain/store-problems.js';
import type { HealthStore } from '../storage/health-store.js';
import type { SettingsReads } from '../storage/settings-store.js';

/** How this node's store is doing, for GET /healthz and the pool gauges of GET /metrics. */
export interface HealthService {
  /**
   * Resolves once the store answers a query; throws StoreUnavailableError when it does not, or when a write
   * failed so moments ago.
   */
  check(): Promise<void>;
  /** Connections of this process's pool (PostgreSQL), read now; undefined for the embedded store. */
  poolStats(): PoolStats | undefined;
  /** The store's read caches of keys and data versions, read now (storage/read-caches.ts). */
  readCaches(): ReadCacheStats | undefined;
}

export function healthService(store: SettingsReads & HealthStore): HealthService {
  return {
    async check() {
      await store.setting('issuer_id');
      // A full disk or a read-only database still answers this read: the writes that failed so in the last
      // seconds tell (Store.unavailableRecently). Probing with a write instead would write on every probe (a
      // WAL flush on SQLite, a commit on PostgreSQL) and, on a locked SQLite file, wait out its busy timeout.
      const cause = store.unavailableRecently();
      if (cause !== undefined) throw new StoreUnavailableError(cause);
    },
    poolStats: () => store.poolStats(),
    readCaches: () => store.readCaches(),
  };
}
