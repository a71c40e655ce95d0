import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testClock } from '../../test/support/harness.js';
import { type TestStoreLocation, testStoreLocation } from '../../test/support/test-database.js';
import { openStore } from '../storage/open-store.js';
import type { Store } from '../storage/store.js';
import { sharedRateLimiter } from './rate-limiter.js';

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
});
