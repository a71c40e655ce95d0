import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testClock } from '../../test/support/harness.js';
import { type TestStoreLocation, testStoreLocation } from '../../test/support/test-database.js';
import { openStore } from '../storage/open-store.js';
import type { Store } from '../storage/store.js';
import { localCap, sharedRateLimiter } from './rate-limiter.js';

const START = '2025-01-15T12:00:00Z';

/** Runs on SQLite here and on PostgreSQL in the "postgres" project (vitest.config.ts). */
describe('sharedRateLimiter', () => {
  let where: TestStoreLocation;
  let store: Store;
  beforeEach(async () => {
    where = await testStoreLocation();
    store = await openStore(where.location);
  });
  afterEach(async () => {
    await store.close();
    await where.cleanup();
  });

  /** The store, counting how often the limiter writes to it. */
  const counted = () => {
    const writes: number[] = [];
    const counting: Store = Object.create(store, {
      countRequests: {
        value: (...args: Parameters<Store['countRequests']>) => {
          writes.push(args[4]);
          return store.countRequests(...args);
        },
      },
    });
    return { counting, writes };
  };

  it('counts down one per request, in order', async () => {
    const limiter = sharedRateLimiter(store, 3600, testClock(START));
    expect(await limiter.consume('KEY1')).toEqual({ allowed: true, limit: 3600, remaining: 3599 });
    expect(await limiter.consume('KEY1')).toEqual({ allowed: true, limit: 3600, remaining: 3598 });
    expect(await limiter.peek('KEY1')).toEqual({ allowed: true, limit: 3600, remaining: 3598 });
  });

  it('counts concurrent requests of a key together, each answered as if counted alone', async () => {
    const { counting, writes } = counted();
    const limiter = sharedRateLimiter(counting, 10, testClock(START));
    const answers = await Promise.all(Array.from({ length: 25 }, () => limiter.consume('KEY1')));

    // The first is written alone; those that arrived meanwhile go in together.
    expect(writes.length).toBeLessThan(25);
    expect(writes.reduce((sum, requests) => sum + requests, 0)).toBe(25);
    expect(answers.filter((answer) => answer.allowed)).toHaveLength(10);
    // Every remaining budget from 9 down to 0 is answered once, in arrival order; then refusals.
    const countDown = Array.from({ length: 10 }, (_, i) => 9 - i);
    expect(answers.map((answer) => answer.remaining)).toEqual([...countDown, ...Array(15).fill(0)]);
    expect(answers.slice(10).every((answer) => !answer.allowed)).toBe(true);
    expect(await store.requestsIn('KEY1', Math.floor(Date.parse(START) / 60_000), 60)).toBe(10);
  });

  it('keeps one budget per key, and a failed write fails only the requests it counted', async () => {
    const limiter = sharedRateLimiter(store, 5, testClock(START));
    const [first, second] = await Promise.all([limiter.consume('KEY1'), limiter.consume('KEY2')]);
    expect(first).toMatchObject({ allowed: true, remaining: 4 });
    expect(second).toMatchObject({ allowed: true, remaining: 4 });

    let failNext = true;
    const failing: Store = Object.create(store, {
      countRequests: {
        value: (...args: Parameters<Store['countRequests']>) => {
          if (failNext) {
            failNext = false;
            return Promise.reject(new Error('the database went away'));
          }
          return store.countRequests(...args);
        },
      },
    });
    const flaky = sharedRateLimiter(failing, 5, testClock(START));
    await expect(flaky.consume('KEY1')).rejects.toThrow('the database went away');
    expect(await flaky.consume('KEY1')).toMatchObject({ allowed: true, remaining: 3 });
  });

  it('far from the limit admits from memory and writes the requests together, counting each', async () => {
    const { counting, writes } = counted();
    const limiter = sharedRateLimiter(counting, 3600, testClock(START));
    const answers = [];
    for (let i = 0; i < 120; i++) answers.push(await limiter.consume('KEY1'));
    expect(answers.map((answer) => answer.remaining)).toEqual(
      Array.from({ length: 120 }, (_, i) => 3599 - i),
    );
    // The first request learns the count; then one write per 25 admitted from memory, and now and then one
    // that finds 50 not yet counted waits for two (the write under way may not be done: the loop never yields
    // to the database's own work but through promises).
    expect(writes.length).toBeLessThanOrEqual(12);
    expect(await limiter.peek('KEY1')).toMatchObject({ remaining: 3480 });
    await limiter.maintain();
    expect(writes.reduce((sum, requests) => sum + requests, 0)).toBe(120);
    expect(await store.requestsIn('KEY1', Math.floor(Date.parse(START) / 60_000), 60)).toBe(120);
  });

  it('admits from memory while its write of earlier requests is under way, up to 50 uncounted', async () => {
    const writes: number[] = [];
    let open = () => {};
    const held = new Promise<void>((resolve) => {
      open = resolve;
    });
    const holding: Store = Object.create(store, {
      countRequests: {
        value: async (...args: Parameters<Store['countRequests']>) => {
          writes.push(args[4]);
          if (writes.length > 1) await held;
          return store.countRequests(...args);
        },
      },
    });
    const limiter = sharedRateLimiter(holding, 3600, testClock(START));
    expect(await limiter.consume('KEY1')).toMatchObject({ remaining: 3599 });
    for (let i = 0; i < 25; i++) await limiter.consume('KEY1');
    // The 25th admitted from memory starts their write at once, not 250 ms or 25 requests later.
    expect(writes).toEqual([1, 25]);
    const during = [];
    for (let i = 0; i < 25; i++) during.push(await limiter.consume('KEY1'));
    expect(during.map((answer) => answer.remaining)).toEqual(Array.from({ length: 25 }, (_, i) => 3573 - i));
    // 50 admitted and not yet counted: the next waits for the database.
    let answered = false;
    const next = limiter.consume('KEY1').then((answer) => {
      answered = true;
      return answer;
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(answered).toBe(false);
    open();
    expect(await next).toMatchObject({ allowed: true, remaining: 3548 });
    await limiter.maintain();
    expect(await store.requestsIn('KEY1', Math.floor(Date.parse(START) / 60_000), 60)).toBe(52);
  });

  it('admits up to 1% of a large limit from memory, 50 of a small one', async () => {
    expect([localCap(300), localCap(3600), localCap(5000), localCap(1_000_000)]).toEqual([
      50, 50, 50, 10_000,
    ]);
    const { counting, writes } = counted();
    const limiter = sharedRateLimiter(counting, 1_000_000, testClock(START));
    const answers = [];
    for (let i = 0; i < 500; i++) answers.push(await limiter.consume('KEY1'));
    // The first learns the count; the other 499 wait for no write (with a cap of 50 they would have).
    expect(writes).toEqual([1]);
    expect(answers.at(-1)).toMatchObject({ allowed: true, remaining: 999_500 });
    await limiter.maintain();
    expect(await store.requestsIn('KEY1', Math.floor(Date.parse(START) / 60_000), 60)).toBe(500);
  });

  it('lets exactly the limit through on one node, and at most 50 more per node on two', async () => {
    const burst = async (limiters: ReturnType<typeof sharedRateLimiter>[], key: string) => {
      let allowed = 0;
      for (let round = 0; round < 40; round++) {
        const answers = await Promise.all(
          Array.from({ length: 25 }, (_, i) =>
            (limiters[i % limiters.length] as (typeof limiters)[0]).consume(key),
          ),
        );
        allowed += answers.filter((answer) => answer.allowed).length;
      }
      return allowed;
    };
    const one = sharedRateLimiter(store, 300, testClock(START));
    expect(await burst([one], 'ALONE')).toBe(300);
    const two = [
      sharedRateLimiter(store, 300, testClock(START)),
      sharedRateLimiter(store, 300, testClock(START)),
    ];
    const allowed = await burst(two, 'SHARED');
    expect(allowed).toBeGreaterThanOrEqual(300);
    expect(allowed).toBeLessThanOrEqual(300 + 2 * 50);
  });
});
