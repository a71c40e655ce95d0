/** One read cache of this process (storage/read-cache.ts), counted since the store was opened. */
export interface ReadCacheCounts {
  /** Rows kept now. */
  readonly entries: number;
  /** Reads answered from the cache. */
  readonly hits: number;
  /** Reads that went to the store (nothing kept, or the cache was bypassed). */
  readonly misses: number;
}

/**
 * The read caches of this process's store: keys by id, apps' data versions, groups' and builds', which testers
 * exist (storage/read-caches.ts).
 */
export interface ReadCacheStats {
  /**
   * Whether the store tells this process of every change others commit (SQLite's data_version, PostgreSQL's
   * LISTEN), so the caches answer; false while it cannot (the LISTEN connection down), when every read goes
   * to the store.
   */
  readonly watching: boolean;
  /** Queries sent to the database to catch up with others' commits (PostgreSQL's fences; none on SQLite). */
  readonly roundTrips: number;
  readonly apiKeys: ReadCacheCounts;
  readonly appDataVersions: ReadCacheCounts;
  /** Beta groups' and builds' apps with their versions, kept while the app's version is unchanged. */
  readonly groupVersions: ReadCacheCounts;
  readonly buildVersions: ReadCacheCounts;
  /** Which beta testers exist (a tester's metrics' freshness, with its apps' versions from appDataVersions). */
  readonly testers: ReadCacheCounts;
}
