import { FreshAnswers } from './recently-used.js';

/**
 * Serialized answers kept in memory, each with the freshness it was computed at (an app's data version and
 * report day, services/beta-tester-usages.ts): an entry answers only while the store's freshness is still the
 * same, so a write on any node that shares the store retires it at once. The oldest used entries go first
 * once the kept bytes pass `maxBytes`; an entry's bytes are its key's and freshness's as well as its answer's,
 * so many long keys with small answers are bounded too. Each key belongs to a scope whose answers share one
 * freshness (the metrics family: the request's path); once the scope's freshness moves on, all its answers
 * made at the old one go (recently-used.ts, FreshAnswers). Concurrent misses of one key and freshness are
 * computed once.
 */
export interface PageCache {
  /**
   * The kept answer of `key` if it was computed at `freshness`, the store's now; kept at another, it goes
   * with every answer of its scope.
   */
  get(key: string, freshness: string): Buffer | undefined;
  /**
   * The answer of `key`: computed by `compute`, which says the freshness it read at, and kept under it.
   * A request that arrives while the same key is being computed at the same freshness waits for that answer.
   * `scope`: what the freshness is of; every key of a scope has the same.
   */
  compute(
    scope: string,
    key: string,
    freshness: string,
    compute: () => Promise<{ freshness: string; body: Buffer }>,
  ): Promise<Buffer>;
  /** What is kept now: entries, and their bytes as counted against `maxBytes`. */
  size(): { entries: number; bytes: number };
}

export const DEFAULT_PAGE_CACHE_BYTES = 32 * 1024 * 1024;

export function pageCache(maxBytes = DEFAULT_PAGE_CACHE_BYTES): PageCache {
  const entries = new FreshAnswers<{ scope: string; freshness: string; body: Buffer; bytes: number }>(
    maxBytes,
  );
  const pending = new Map<string, Promise<Buffer>>();
  const keep = (scope: string, key: string, freshness: string, body: Buffer) =>
    entries.keep(key, { scope, freshness, body, bytes: body.length + key.length + freshness.length });

  return {
    get(key, freshness) {
      const entry = entries.peek(key);
      if (entry === undefined) return undefined;
      if (entry.freshness !== freshness) {
        entries.retire(entry.scope, freshness);
        return undefined;
      }
      entries.use(key);
      return entry.body;
    },

    compute(scope, key, freshness, compute) {
      const flight = `${freshness}\u0000${key}`;
      const inFlight = pending.get(flight);
      if (inFlight !== undefined) return inFlight;
      const answer = compute().then(
        (computed) => {
          pending.delete(flight);
          keep(scope, key, computed.freshness, computed.body);
          return computed.body;
        },
        (error: unknown) => {
          pending.delete(flight);
          throw error;
        },
      );
      pending.set(flight, answer);
      return answer;
    },

    size: () => ({ entries: entries.count, bytes: entries.bytes }),
  };
}
