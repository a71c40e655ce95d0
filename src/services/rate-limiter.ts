import type { Clock } from '../domain/clock.js';
import type { RateLimitStore } from '../storage/rate-limit-store.js';

/** A key's budget after a request: what `X-Rate-Limit` reports. */
export interface RateLimitState {
  readonly allowed: boolean;
  readonly limit: number;
  readonly remaining: number;
}

/**
 * Requests per key over a rolling hour (docs/apple-behavior.md, §6). Async so a shared, database-backed limiter for
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
 * Far from a key's limit, this node admits up to LOCAL_CAP of its requests without writing, and writes them
 * together at most FLUSH_MS later; it knows the key's shared count from its last write, at most SYNC_MS old.
 * Within EDGE of the limit every request is counted in the database before it is answered, as when the
 * budget is exact.
 */
const LOCAL_CAP = 50;
const FLUSH_MS = 250;
const SYNC_MS = 1_000;
const EDGE = 2 * LOCAL_CAP;

/**
 * The limiter of several nodes over one database (docs/apple-behavior.md, §6): requests are counted in the
 * store, per key and minute, so every node sees one budget. The rolling hour is counted in whole minutes (a
 * request frees its slot 59 to 60 minutes later).
 *
 * No write per request: far from the limit (more than EDGE left, as this node last saw the shared count, at
 * most SYNC_MS ago) a request is admitted from memory and counted by a write of this node's admitted requests
 * together, FLUSH_MS later or once LOCAL_CAP wait. Near the limit each request is written before it is
 * answered, and concurrent ones on this node are written together, each answered as if counted alone in
 * arrival order; the database serializes nodes. The overshoot is bounded: a node's requests admitted from
 * memory are at most LOCAL_CAP at a time, so a key's hour can pass its limit by at most LOCAL_CAP per node
 * (when other nodes spend what this one last saw within SYNC_MS), never on one node alone. `remaining` is the
 * node's view: the shared count it last saw plus what it admitted since.
 */
export function sharedRateLimiter(store: RateLimitStore, limitPerHour: number, clock: Clock): RateLimiter {
  const minuteNow = () => Math.floor(clock.now().getTime() / 60_000);
  const state = (allowed: boolean, used: number) => budget(limitPerHour, allowed, used);
  const waiting = new Map<string, Waiter[]>();
  const local = new Map<string, LocalCount>();

  /** Writes the requests admitted from memory; what the store then counts becomes this node's view. */
  const flush = async (keyId: string) => {
    const count = local.get(keyId);
    if (count === undefined || count.pending === 0) return;
    const requests = count.pending;
    count.pending = 0;
    clearTimeout(count.timer);
    count.timer = undefined;
    try {
      // Counted as granted whatever the store says: they were answered already.
      const { used } = await store.countRequests(keyId, minuteNow(), WINDOW_MINUTES, limitPerHour, requests);
      count.used = used;
      count.syncedAt = clock.now().getTime();
    } catch {
      // The database went away: counted with the next write instead (what fails is the next exact request).
      count.pending += requests;
    }
  };

  const countWaiting = async (keyId: string) => {
    for (
      let group = waiting.get(keyId);
      group !== undefined && group.length > 0;
      group = waiting.get(keyId)
    ) {
      waiting.set(keyId, []);
      try {
        await flush(keyId);
        const { granted, used } = await store.countRequests(
          keyId,
          minuteNow(),
          WINDOW_MINUTES,
          limitPerHour,
          group.length,
        );
        local.set(keyId, { ...(local.get(keyId) ?? { pending: 0 }), used, syncedAt: clock.now().getTime() });
        // The granted requests come first: the i-th of them saw the count before it plus i + 1.
        group.forEach((waiter, i) => {
          waiter.resolve(i < granted ? state(true, used - granted + i + 1) : state(false, used));
        });
      } catch (error) {
        for (const waiter of group) waiter.reject(error);
      }
    }
    waiting.delete(keyId);
  };

  /** Admits from memory when far from the limit and recently synced; undefined when it must be written. */
  const admitLocally = (keyId: string): RateLimitState | undefined => {
    const count = local.get(keyId);
    if (count === undefined || waiting.has(keyId)) return undefined;
    if (clock.now().getTime() - count.syncedAt > SYNC_MS) return undefined;
    if (count.pending >= LOCAL_CAP || limitPerHour - (count.used + count.pending) <= EDGE) return undefined;
    count.pending++;
    count.timer ??= unrefTimer(() => void flush(keyId), FLUSH_MS);
    return state(true, count.used + count.pending);
  };

  return {
    consume(keyId) {
      const admitted = admitLocally(keyId);
      if (admitted !== undefined) return Promise.resolve(admitted);
      return new Promise<RateLimitState>((resolve, reject) => {
        const group = waiting.get(keyId);
        if (group !== undefined) {
          group.push({ resolve, reject });
          return;
        }
        waiting.set(keyId, [{ resolve, reject }]);
        void countWaiting(keyId);
      });
    },
    async peek(keyId) {
      const pending = local.get(keyId)?.pending ?? 0;
      return state(true, (await store.requestsIn(keyId, minuteNow(), WINDOW_MINUTES)) + pending);
    },
    async maintain() {
      for (const keyId of [...local.keys()]) {
        await flush(keyId);
        const count = local.get(keyId);
        if (count !== undefined && count.pending === 0 && clock.now().getTime() - count.syncedAt > SYNC_MS)
          local.delete(keyId);
      }
      await store.forgetRequestsBefore(minuteNow() - 2 * WINDOW_MINUTES);
    },
  };
}

/** What this node knows of a key's shared count, and what it admitted since without writing. */
interface LocalCount {
  /** The key's requests in the window as the store last answered. */
  used: number;
  /** When (ms) the store last answered. */
  syncedAt: number;
  /** Admitted from memory, not yet written. */
  pending: number;
  timer?: ReturnType<typeof setTimeout> | undefined;
}

/** A timer that does not keep the process alive (a node that is stopping does not wait for it). */
function unrefTimer(run: () => void, ms: number): ReturnType<typeof setTimeout> {
  const timer = setTimeout(run, ms);
  timer.unref?.();
  return timer;
}

interface Waiter {
  resolve(state: RateLimitState): void;
  reject(error: unknown): void;
}
