import type { Clock } from '../domain/clock.js';

/** A key's budget after a request: what `X-Rate-Limit` reports. */
export interface RateLimitState {
  readonly allowed: boolean;
  readonly limit: number;
  readonly remaining: number;
}

/**
 * Requests per key over a rolling hour (apple-behavior.md §6). Async so a shared, database-backed limiter for
 * several nodes can take this one's place.
 */
export interface RateLimiter {
  /** Counts one request for `keyId` unless its budget is spent; `allowed` says which. */
  consume(keyId: string): Promise<RateLimitState>;
  /** The budget as it stands, without counting a request. */
  peek(keyId: string): Promise<RateLimitState>;
}

const HOUR_MS = 3_600_000;

/**
 * The per-node limiter: for each key, the times of its requests in the last hour, oldest first. Memory is at
 * most `limitPerHour` numbers per key, and only keys that verified reach it.
 */
export function inMemoryRateLimiter(limitPerHour: number, clock: Clock): RateLimiter {
  const requests = new Map<string, number[]>();
  const recent = (keyId: string, now: number) => {
    const times = requests.get(keyId) ?? [];
    let expired = 0;
    while (expired < times.length && (times[expired] as number) <= now - HOUR_MS) expired++;
    if (expired > 0) times.splice(0, expired);
    requests.set(keyId, times);
    return times;
  };
  const state = (allowed: boolean, used: number): RateLimitState => ({
    allowed,
    limit: limitPerHour,
    remaining: Math.max(0, limitPerHour - used),
  });
  return {
    async consume(keyId) {
      const now = clock.now().getTime();
      const times = recent(keyId, now);
      if (times.length >= limitPerHour) return state(false, times.length);
      times.push(now);
      return state(true, times.length);
    },
    async peek(keyId) {
      return state(true, recent(keyId, clock.now().getTime()).length);
    },
  };
}
