/** An entry of RecentlyUsed: what it costs against the budget, in bytes, its key's included. */
export interface Sized {
  readonly bytes: number;
}

/**
 * Entries kept within a budget of bytes, the least recently used dropped first: the page cache's serialized
 * answers (page-cache.ts) and the answer replay's (answer-replay.ts). A Map keeps insertion order, so the
 * first key is the least recently used and a use moves its entry to the end.
 *
 * A use of the entry already at the end moves nothing: deleting and setting the same key again, as every
 * repeat of one hot request did, is a no-op for the order but left the Map a deleted slot each time, and V8
 * rebuilt its table every few hundred uses (under the seed's first example replayed, about 700 of the 16 KB a
 * request allocated; BENCHMARKS.md, "What the young generation costs").
 */
export class RecentlyUsed<V extends Sized> {
  private readonly entries = new Map<string, V>();
  /** The key at the end of `entries`, when known: a use of it changes nothing. */
  private newest: string | undefined;
  private kept = 0;

  /** `dropped` hears of every entry that leaves, forgotten, replaced or pushed out by the budget. */
  constructor(
    private readonly maxBytes: number,
    private readonly dropped?: (key: string, entry: V) => void,
  ) {}

  get count(): number {
    return this.entries.size;
  }

  get bytes(): number {
    return this.kept;
  }

  /** The entry of `key`, without marking it used. */
  peek(key: string): V | undefined {
    return this.entries.get(key);
  }

  /** Marks the entry of `key` as the most recently used; nothing when there is none. */
  use(key: string): void {
    if (key === this.newest) return;
    const entry = this.entries.get(key);
    if (entry === undefined) return;
    this.entries.delete(key);
    this.entries.set(key, entry);
    this.newest = key;
  }

  /**
   * Keeps `entry` as the most recently used of `key` (replacing what was), then drops the least recently used
   * until the budget holds. An entry larger than the whole budget is not kept.
   */
  keep(key: string, entry: V): void {
    this.forget(key);
    if (entry.bytes > this.maxBytes) return;
    this.entries.set(key, entry);
    this.newest = key;
    this.kept += entry.bytes;
    for (const oldest of this.entries.keys()) {
      if (this.kept <= this.maxBytes) break;
      this.forget(oldest);
    }
  }

  forget(key: string): void {
    const entry = this.entries.get(key);
    if (entry === undefined) return;
    this.entries.delete(key);
    this.kept -= entry.bytes;
    if (key === this.newest) this.newest = undefined;
    this.dropped?.(key, entry);
  }

  /** The keys from the least recently used to the most (tests). */
  keys(): string[] {
    return [...this.entries.keys()];
  }
}

/** An answer kept with what decides whether it is current: its scope's freshness when it was made. */
export interface Stamped extends Sized {
  /**
   * What the answer's freshness is of: every answer of one scope is current exactly while the store says the
   * same freshness for the scope (the metrics family: the request's path, whose app or group it reads).
   */
  readonly scope: string;
  readonly freshness: string;
}

/**
 * RecentlyUsed answers that go as soon as they can never be sent again. Once a scope's freshness moves on (a
 * write to the app on any node), every answer of the scope made at the old one is stale for good; kept, they
 * held their bytes until the budget reached them. After the bench's cold pages and paging, each read after a
 * write, 200 stale 91 KB pages (18 MB, a heap snapshot) were still held when ingestion began, and they were
 * most of what put the server's peak RSS over its goal (BENCHMARKS.md, "Peak RSS and the OS's page cache").
 * So a scope's answers are dropped together when an answer of the scope is kept at another freshness, or when
 * a check finds the scope at another (`retire`). A slow answer made at an older freshness, kept after a newer
 * one, drops the newer: the next request makes it again, as after any write.
 */
export class FreshAnswers<V extends Stamped> {
  private readonly kept: RecentlyUsed<V>;
  /** Each scope's freshness and the keys kept at it; a scope goes when its last key does. */
  private readonly scopes = new Map<string, { readonly freshness: string; readonly keys: Set<string> }>();

  constructor(maxBytes: number) {
    this.kept = new RecentlyUsed<V>(maxBytes, (key, entry) => {
      const scope = this.scopes.get(entry.scope);
      if (scope === undefined || !scope.keys.delete(key) || scope.keys.size > 0) return;
      this.scopes.delete(entry.scope);
    });
  }

  get count(): number {
    return this.kept.count;
  }

  get bytes(): number {
    return this.kept.bytes;
  }

  /** Scopes with answers kept (tests: it is bounded by the answers). */
  get scopeCount(): number {
    return this.scopes.size;
  }

  peek(key: string): V | undefined {
    return this.kept.peek(key);
  }

  use(key: string): void {
    this.kept.use(key);
  }

  forget(key: string): void {
    this.kept.forget(key);
  }

  /** Keeps `entry` under `key`, first dropping its scope's answers made at another freshness. */
  keep(key: string, entry: V): void {
    this.retire(entry.scope, entry.freshness);
    this.kept.keep(key, entry);
    // Not kept when larger than the whole budget.
    if (this.kept.peek(key) !== entry) return;
    let scope = this.scopes.get(entry.scope);
    if (scope === undefined) {
      scope = { freshness: entry.freshness, keys: new Set() };
      this.scopes.set(entry.scope, scope);
    }
    scope.keys.add(key);
  }

  /** Drops the answers of `scope` unless they were made at `freshness` (undefined: its resource is gone). */
  retire(scope: string, freshness: string | undefined): void {
    const kept = this.scopes.get(scope);
    if (kept === undefined || kept.freshness === freshness) return;
    for (const key of [...kept.keys]) this.kept.forget(key);
    this.scopes.delete(scope);
  }

  keys(): string[] {
    return this.kept.keys();
  }
}
