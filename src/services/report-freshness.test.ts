import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { clockMillis, fixedClock, systemClock } from '../domain/clock.js';
import { freshnessNow, reportFreshness } from './beta-tester-usages.js';

describe("a report's freshness", () => {
  it('names the version and the UTC report day, whatever was asked before', () => {
    const version = fc.constantFrom('1', '2', '17', '1:2', '1650000000:4');
    const time = fc.oneof(
      fc.constantFrom(Date.UTC(2025, 5, 17), Date.UTC(2025, 5, 17) - 1, Date.UTC(2025, 5, 17, 12)),
      fc.integer({ min: 0, max: 4e12 }),
    );
    fc.assert(
      fc.property(fc.array(fc.tuple(version, time), { minLength: 1, maxLength: 12 }), (asks) => {
        for (const [asked, at] of asks) {
          const day = new Date(at).toISOString().slice(0, 10);
          expect(freshnessNow(asked, fixedClock(new Date(at)))).toBe(`${asked}@${day}`);
          // A clock that only gives Dates (a test's own) is read the same way.
          expect(freshnessNow(asked, { now: () => new Date(at) })).toBe(`${asked}@${day}`);
          expect(reportFreshness(asked, new Date(at))).toBe(`${asked}@${day}`);
        }
      }),
      { numRuns: 500 },
    );
    expect(freshnessNow(undefined, systemClock)).toBeUndefined();
  });

  it("is read from a clock's milliseconds when it has them, from its Date when not", () => {
    const at = new Date('2025-06-17T12:00:00Z');
    expect(clockMillis(fixedClock(at))).toBe(at.getTime());
    expect(clockMillis({ now: () => at })).toBe(at.getTime());
    const before = Date.now();
    const now = clockMillis(systemClock);
    expect(now).toBeGreaterThanOrEqual(before);
    expect(now).toBeLessThanOrEqual(Date.now());
  });
});
