import { describe, expect, it } from 'vitest';
import type { StoreSuiteContext } from './store.test-suite.js';

/**
 * RateLimitStore (rate-limit-store.ts): request counts for the shared rate limit; every backend runs this
 * through describeStore.
 */
export function describeRateLimitStore(context: StoreSuiteContext): void {
  const MINUTE = 29_000_000;

  describe('request counts', () => {
    /** One request, answered as the limiter answers it. */
    const countRequest = async (keyId: string, minute: number, windowMinutes: number, limit: number) => {
      const { granted, used } = await context.store().countRequests(keyId, minute, windowMinutes, limit, 1);
      return { allowed: granted === 1, used };
    };

    it('counts requests per key over a window of minutes, refusing beyond the limit without counting', async () => {
      const store = context.store();
      const results = [];
      for (let i = 0; i < 4; i++) results.push(await countRequest('K1', MINUTE, 60, 3));
      expect(results).toEqual([
        { allowed: true, used: 1 },
        { allowed: true, used: 2 },
        { allowed: true, used: 3 },
        { allowed: false, used: 3 },
      ]);
      expect(await store.requestsIn('K1', MINUTE, 60)).toBe(3);
      expect(await countRequest('K2', MINUTE, 60, 3)).toEqual({ allowed: true, used: 1 });
      // 59 minutes later the first minute still counts; 60 minutes later it no longer does.
      expect(await countRequest('K1', MINUTE + 59, 60, 3)).toEqual({ allowed: false, used: 3 });
      expect(await countRequest('K1', MINUTE + 60, 60, 3)).toEqual({ allowed: true, used: 1 });
    });

    it('forgets the minutes before the one given', async () => {
      const store = context.store();
      await countRequest('K1', MINUTE, 600, 100);
      await countRequest('K1', MINUTE + 5, 600, 100);
      await store.forgetRequestsBefore(MINUTE + 5);
      expect(await store.requestsIn('K1', MINUTE + 5, 600)).toBe(1);
    });

    it('never lets concurrent requests past the limit within a minute', async () => {
      const store = context.store();
      const results = await Promise.all(Array.from({ length: 25 }, () => countRequest('K3', MINUTE, 60, 10)));
      expect(results.filter((result) => result.allowed)).toHaveLength(10);
      expect(await store.requestsIn('K3', MINUTE, 60)).toBe(10);
    });

    it('counts several requests at once, granting as many as the budget has left', async () => {
      const store = context.store();
      expect(await store.countRequests('K4', MINUTE, 60, 10, 4)).toEqual({ granted: 4, used: 4 });
      expect(await store.countRequests('K4', MINUTE + 1, 60, 10, 5)).toEqual({ granted: 5, used: 9 });
      expect(await store.countRequests('K4', MINUTE + 2, 60, 10, 3)).toEqual({ granted: 1, used: 10 });
      expect(await store.countRequests('K4', MINUTE + 2, 60, 10, 2)).toEqual({ granted: 0, used: 10 });
      expect(await store.requestsIn('K4', MINUTE + 2, 60)).toBe(10);
    });
  });
}
