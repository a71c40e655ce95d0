import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDays, utcDay } from './calendar-day.js';

describe('calendar days', () => {
  it('are the UTC day of an instant', () => {
    expect(utcDay(new Date('2023-10-05T23:59:59.999Z'))).toBe('2023-10-05');
    expect(utcDay(new Date('2023-10-06T00:30:00+01:00'))).toBe('2023-10-05');
  });

  it('are the same whatever instant was asked before, day edges and times before 1970 included', () => {
    const dayEdge = fc
      .tuple(fc.integer({ min: -40_000, max: 40_000 }), fc.constantFrom(-1, 0, 1, 43_200_000))
      .map(([day, offset]) => day * 86_400_000 + offset);
    const instant = fc.oneof(dayEdge, fc.integer({ min: -8.64e15, max: 8.64e15 }));
    fc.assert(
      fc.property(fc.array(instant, { minLength: 1, maxLength: 20 }), (times) => {
        for (const time of times)
          expect(utcDay(new Date(time))).toBe(new Date(time).toISOString().slice(0, 10));
      }),
      {
        numRuns: 2000,
        // The instants just inside and just past the kept day's two edges, after it was made.
        examples: [[[0, 86_400_000]], [[86_400_000, 86_399_999]], [[-1, -86_400_000, -86_400_001]]],
      },
    );
    expect(() => utcDay(new Date(Number.NaN))).toThrow(RangeError);
  });

  it('move by whole days across months, years and leap days', () => {
    expect(addDays('2023-12-31', 1)).toBe('2024-01-01');
    expect(addDays('2024-03-01', -1)).toBe('2024-02-29');
    expect(addDays('2023-10-05', -365)).toBe('2022-10-05');
  });
});
