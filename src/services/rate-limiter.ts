import { type Clock, clockMillis } from '../domain/clock.js';
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
  /**
   * `consume` without waiting, when this node can decide alone (answer-replay.ts); undefined, and nothing
   * counted, when `consume` must.
   */
  consumeAtOnce(keyId: string): RateLimitState | undefined;
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
 * The per-node limiter (the embedded store: one node): for each key, its requests of the last hour counted per
 * second, oldest first. A request frees its slot once the second it came in began an hour before
 * (docs/apple-behavior.md, §6): up to a second early. So a key holds at most 3,600 counts, whatever the limit:
 * kept per request, as it was, a limit raised for a load test held 8 bytes a request (16 MB after two million
 * requests in the bench, most of SQLite's peak RSS above the PostgreSQL figure: BENCHMARKS.md). Only keys
 * that verified reach it.
 */
export function inMemoryRateLimiter(limitPerHour: number, clock: Clock): RateLimiter {
  const requests = new Map<string, SecondCounts>();
  const recent = (keyId: string, now: number) => {
    let counts = requests.get(keyId);
    if (counts === undefined) {
      counts = new SecondCounts();
      requests.set(keyId, counts);
    }
    counts.forgetBefore(now - HOUR_MS);
    return counts;
  };
  const state = (allowed: boolean, used: number) => budget(limitPerHour, allowed, used);
  const consumeAtOnce = (keyId: string) => {
    const now = clockMillis(clock);
    const counts = recent(keyId, now);
    if (counts.total >= limitPerHour) return state(false, counts.total);
    counts.add(now);
    return state(true, counts.total);
  };
  return {
    consume: async (keyId) => consumeAtOnce(keyId),
    consumeAtOnce,
    async peek(keyId) {
      return state(true, recent(keyId, clockMillis(clock)).total);
    },
    async maintain() {
      const now = clockMillis(clock);
      for (const keyId of [...requests.keys()]) if (recent(keyId, now).total === 0) requests.delete(keyId);
    },
  };
}

/** A key's requests per second, oldest second first, and their total. */
export class SecondCounts {
  private seconds: number[] = [];
  private counts: number[] = [];
  /** Where the live seconds start; the ones before are forgotten, and cut off now and then. */
  private head = 0;
  total = 0;

  add(now: number): void {
    const second = Math.floor(now / 1000);
    const last = this.seconds.length - 1;
    if (last >= this.head && this.seconds[last] === second) this.counts[last] = (this.counts[last] ?? 0) + 1;
    else {
      this.seconds.push(second);
      this.counts.push(1);
    }
    this.total++;
  }

  /** Forgets the seconds that began at or before `since`. */
  forgetBefore(since: number): void {
    while (this.head < this.seconds.length && (this.seconds[this.head] ?? 0) * 1000 <= since) {
      this.total -= this.counts[this.head] ?? 0;
      this.head++;
    }
    if (this.head > 0 && this.head * 2 >= this.seconds.length) {
      this.seconds = this.seconds.slice(this.head);
      this.counts = this.counts.slice(this.head);
      this.head = 0;
    }
  }

  /** Seconds kept now, forgotten ones not yet cut off included. */
  get kept(): number {
    return this.seconds.length;
  }
}

const WINDOW_MINUTES = 60;

/**
 * Far from a key's limit, this node admits up to its local cap (localCap) of its requests that are not yet
 * counted in the database (waiting, or in the write under way), and writes them together at most FLUSH_MS
 * later, or at once when half the cap wait and no write is under way: the next ones are admitted while it
 * runs. It knows the key's shared count from its last write, at most SYNC_MS old. Within twice the cap of the
 * limit every request is counted in the database before it is answered, as when the budget is exact.
 */
const FLUSH_MS = 250;
const SYNC_MS = 1_000;

/**
 * The limiter of several nodes over one database (docs/apple-behavior.md, §6): requests are counted in the
 * store, per key and minute, so every node sees one budget. The rolling hour is counted in whole minutes (a
 * request frees its slot 59 to 60 minutes later).
 *
 * No write per request: far from the limit (more than twice the local cap left, as this node last saw the
 * shared count, at most SYNC_MS ago) a request is admitted from memory and counted by a write of this node's
 * admitted requests together, FLUSH_MS later or once half the cap wait. Near the limit each request is written
 * before it is answered, and concurrent ones on this node are written together, each answered as if counted
 * alone in arrival order; the database serializes nodes. The overshoot is bounded: a node's requests admitted
 * from memory and not yet counted are at most the local cap (localCap: 50, or 1% of the limit) at a time, so a
 * key's hour can pass its limit by at most that per node (when other nodes spend what this one last saw within
 * SYNC_MS), never on one node alone. `remaining` is the node's view: the shared count it last saw plus what it
 * admitted since.
 */
export function sharedRateLimiter(store: RateLimitStore, limitPerHour: number, clock: Clock): RateLimiter {
  const cap = localCap(limitPerHour);
  const flushAt = Math.ceil(cap / 2);
  const edge = 2 * cap;
  const minuteNow = () => Math.floor(clockMillis(clock) / 60_000);
  const state = (allowed: boolean, used: number) => budget(limitPerHour, allowed, used);
  const waiting = new Map<string, Waiter[]>();
  const local = new Map<string, LocalCount>();

  /**
   * Writes the requests admitted from memory, after the write under way if there is one (one at a time, so
   * the count each answers is the latest); what the store then counts becomes this node's view.
   */
  const flush = async (keyId: string): Promise<void> => {
    const count = local.get(keyId);
    if (count === undefined) return;
    while (count.writing !== undefined) await count.writing;
    if (count.pending === 0) return;
    const requests = count.pending;
    count.pending = 0;
    count.unwritten = requests;
    clearTimeout(count.timer);
    count.timer = undefined;
    const write = (async () => {
      try {
        // Counted as granted whatever the store says: they were answered already.
        const { used } = await store.countRequests(
          keyId,
          minuteNow(),
          WINDOW_MINUTES,
          limitPerHour,
          requests,
        );
        count.used = used;
        count.syncedAt = clockMillis(clock);
      } catch {
        // The database went away: counted with the next write instead (what fails is the next exact request).
        count.pending += requests;
      } finally {
        count.unwritten = 0;
        count.writing = undefined;
      }
    })();
    count.writing = write;
    await write;
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
        const known = local.get(keyId);
        if (known === undefined)
          local.set(keyId, { pending: 0, unwritten: 0, used, syncedAt: clockMillis(clock) });
        else {
          known.used = used;
          known.syncedAt = clockMillis(clock);
        }
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
    if (clockMillis(clock) - count.syncedAt > SYNC_MS) return undefined;
    const uncounted = count.pending + count.unwritten;
    if (uncounted >= cap || limitPerHour - (count.used + uncounted) <= edge) return undefined;
    count.pending++;
    if (count.pending >= flushAt && count.writing === undefined) void flush(keyId);
    else count.timer ??= unrefTimer(() => void flush(keyId), FLUSH_MS);
    return state(true, count.used + count.pending + count.unwritten);
  };

  return {
    consumeAtOnce: admitLocally,
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
        if (count !== undefined && count.pending === 0 && clockMillis(clock) - count.syncedAt > SYNC_MS)
          local.delete(keyId);
      }
      await store.forgetRequestsBefore(minuteNow() - 2 * WINDOW_MINUTES);
    },
  };
}

/**
 * How many of a key's requests a node may admit without their being counted in the database: 50, or 1% of the
 * hourly limit when that is more. The overshoot of a key's hour is bounded by it per node, so it is kept small
 * against the budget; 50 alone made a node over PostgreSQL wait for a write every 50 requests of a busy key,
 * 6,300 small answers a second against 17,000 on SQLite (bench, a limit of a billion: BENCHMARKS.md).
 */
export function localCap(limitPerHour: number): number {
  return Math.max(50, Math.floor(limitPerHour / 100));
}

/** What this node knows of a key's shared count, and what it admitted since without writing. */
interface LocalCount {
  /** The key's requests in the window as the store last answered. */
  used: number;
  /** When (ms) the store last answered. */
  syncedAt: number;
  /** Admitted from memory, not yet written. */
  pending: number;
  /** Admitted from memory, in the write under way (`writing`): not yet counted in `used` either. */
  unwritten: number;
  writing?: Promise<void> | undefined;
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
