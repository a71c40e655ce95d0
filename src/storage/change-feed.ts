/**
 * The tables of which this process keeps read caches (read-caches.ts): API keys by id (every request's
 * revocation check), apps' data versions (every metrics request's freshness) and which beta testers exist
 * (the freshness of a tester's metrics). An app's data version also depends on the app existing
 * (queries/data-versions.ts), so a change of `apps` is told as one of its version. Of `beta_testers`, only
 * what ends a tester's existence is told (a delete, a TRUNCATE: migration 0013), since only testers that
 * exist are kept.
 */
export type CachedTable = 'api_keys' | 'app_data_versions' | 'beta_testers';

/** What may have changed: one row of a cached table (by its key), a whole table, or anything at all. */
export type StoreChange =
  | { readonly table: CachedTable; readonly key?: string }
  | { readonly table?: undefined; readonly key?: undefined };

/**
 * How a store learns that others changed what it caches: other processes and nodes, whose commits this
 * process's code never sees. One implementation per backend: `sqlite/data-version-feed.ts` (SQLite's
 * `PRAGMA data_version`), `postgres/change-listener.ts` (LISTEN for the triggers of migrations 0012 and
 * 0013). The store's own writes are told by read-caches.ts itself, at once, without going through the feed.
 *
 * Two promises, for two caches: `watching` for what may lag others' commits by moments (a revoked key is
 * refused within a second), `caughtUp` for what must not (a page kept under a data version another node has
 * raised before this request was sent: docs/architecture.md, "Data versions and the page cache").
 */
export interface ChangeFeed {
  /**
   * Whether every change committed by others reaches `onChange` within moments (SQLite: DATA_VERSION_POLL_MS;
   * PostgreSQL: as its notification arrives): only then may a cache answer. False while the feed cannot
   * promise that (PostgreSQL's LISTEN connection not yet open, or lost); the caches then read the store every
   * time. May look for changes first (SQLite polls here) and tell them before it returns.
   */
  watching(): boolean;
  /**
   * Resolves true once every change others committed `lagMs` or more before the call has been told to
   * `onChange`, false when the feed cannot promise that (then read the store). Both look once the turn of the
   * event loop that called has read its sockets, for all of that turn's calls (SQLite trusts a read of
   * data_version made within its lease, or reads it; PostgreSQL trusts a round trip on the listening session
   * sent within its lease, or sends one, or the next if one is in flight): what resolves a turn's calls covers
   * every request read in that turn. Since every writer acknowledges a change no sooner than `lagMs` after its
   * commit (read-caches.ts, `writesSeenEverywhere`), a change acknowledged before a request was read is told
   * before it is answered.
   */
  caughtUp(): Promise<boolean>;
  /**
   * How long after a commit `caughtUp` may still resolve in another process without having told it: the lease
   * of a read of data_version (sqlite/data-version-feed.ts) or of a fence (postgres/change-listener.ts), and a
   * margin. What a writer waits before it acknowledges a change.
   */
  readonly lagMs: number;
  /** Queries this process sent to the database to catch up (PostgreSQL's fences; none on SQLite): GET /metrics. */
  roundTrips(): number;
  /** Sets the one listener told of each change; a change the feed cannot name is `{}` (anything). */
  onChange(listener: (change: StoreChange) => void): void;
  close(): Promise<void>;
}
