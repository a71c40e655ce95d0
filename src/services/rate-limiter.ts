import type { Clock } from '../domain/clock.js';
import type { Store } from '../storage/store.js';

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
  /** Forgets what no longer counts (called hourly). */
  maintain(): Promise<void>;
}

const HOUR_MS = 3_600_000;

/** What `X-Rate-Limit` reports, from the hourly limit and the requests counted in the last hour. */
function budget(limit: number, allowed: boolean, used: number): RateLimitState {
  return { allowed, limit, remaining: Math.max(0, limit - used) };
}

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
  const state = (allowed: boolean, used: number) => budget(limitPerHour, allowed, used);
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
    async maintain() {
      const now = clock.now().getTime();
      for (const keyId of [...requests.keys()]) if (recent(keyId, now).length === 0) requests.delete(keyId);
    },
  };
}

const WINDOW_MINUTES = 60;

/**
 * The limiter of several nodes over one database: each request is counted in the store, per key and minute,
 * so every node sees the same budget at once. The rolling hour is counted in whole minutes (a request frees
 * its slot 59 to 60 minutes later). Concurrent requests of a key within one minute are serialized by the
 * database, so the budget is never overshot within a minute; across a minute's turn, at most the requests in
 * flight at that instant can pass together.
 */
export function sharedRateLimiter(store: Store, limitPerHour: number, clock: Clock): RateLimiter {
  const minuteNow = () => Math.floor(clock.now().getTime() / 60_000);
  const state = (allowed: boolean, used: number) => budget(limitPerHour, allowed, used);
  return {
    async consume(keyId) {
      const { allowed, used } = await store.countRequest(keyId, minuteNow(), WINDOW_MINUTES, limitPerHour);
      return state(allowed, used);
    },
    async peek(keyId) {
      return state(true, await store.requestsIn(keyId, minuteNow(), WINDOW_MINUTES));
    },
    maintain: () => store.forgetRequestsBefore(minuteNow() - 2 * WINDOW_MINUTES),
  };
}
