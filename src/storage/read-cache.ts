import type { ReadCacheCounts } from '../domain/records/read-cache-stats.js';

/**
 * Rows read by key, kept while a change feed (change-feed.ts) says it tells every change: at most `capacity`
 * of them, the least recently read forgotten first. Only rows that exist are kept, so what a client may name
 * (any key id, any app id) cannot fill it.
 *
 * A read that was under way while a change was told must not keep what it read: it may have read the row
 * before the change committed. Every `forget` moves a generation on, and a read keeps its row only if the
 * generation is the one it started under.
 */
export class ReadCache<V> {
  private readonly kept = new Map<string, V>();
  /**
   * The key at the end of `kept`, when known: reading it again moves nothing (deleting and setting the same key
   * left the Map a deleted slot each time, and V8 rebuilt its table every few hundred reads: http/recently-used.ts).
   */
  private newest: string | undefined;
  private generation = 0;
  private hits = 0;
  private misses = 0;

  constructor(private readonly capacity: number) {}

  /**
   * The row of `key`: kept, when `watching` and it is; else `load`ed (and kept, when `watching` and nothing
   * was forgotten meanwhile).
   */
  async read(
    key: string,
    watching: boolean,
    load: (key: string) => Promise<V | undefined>,
  ): Promise<V | undefined> {
    if (watching) {
      const kept = this.readKept(key);
      if (kept !== undefined) return kept;
    }
    this.misses++;
    const generation = this.generation;
    const value = await load(key);
    if (watching && value !== undefined && generation === this.generation) this.keep(key, value);
    return value;
  }

  /** The kept row of `key`, read and counted as `read` reads a kept one; undefined, and nothing counted, when none is. */
  readKept(key: string): V | undefined {
    const kept = this.kept.get(key);
    if (kept === undefined) return undefined;
    if (key !== this.newest) {
      // Map keeps insertion order: moving the row to the end makes the first one the least recently read.
      this.kept.delete(key);
      this.kept.set(key, kept);
      this.newest = key;
    }
    this.hits++;
    return kept;
  }

  /** The kept row of `key`, without reading or counting anything; undefined when none is kept. */
  peek(key: string): V | undefined {
    return this.kept.get(key);
  }

  /** Counts a read its caller answered from `peek` (a hit) or from the store (a miss). */
  tally(hit: boolean): void {
    if (hit) this.hits++;
    else this.misses++;
  }

  /** Keeps `value` as the row of `key`, as `read` keeps what it loaded. */
  put(key: string, value: V): void {
    this.keep(key, value);
  }

  /** Forgets the row of `key`, or every row. */
  forget(key?: string): void {
    if (key === undefined) this.kept.clear();
    else this.kept.delete(key);
    this.newest = undefined;
    this.generation++;
  }

  counts(): ReadCacheCounts {
    return { entries: this.kept.size, hits: this.hits, misses: this.misses };
  }

  private keep(key: string, value: V): void {
    // Set again, an existing key keeps its place: delete first, so that the newest is at the end.
    this.kept.delete(key);
    this.kept.set(key, value);
    this.newest = key;
    for (const oldest of this.kept.keys()) {
      if (this.kept.size <= this.capacity) break;
      this.kept.delete(oldest);
    }
  }
}
