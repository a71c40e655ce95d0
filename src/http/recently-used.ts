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

  constructor(private readonly maxBytes: number) {}

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
  }

  /** The keys from the least recently used to the most (tests). */
  keys(): string[] {
    return [...this.entries.keys()];
  }
}
