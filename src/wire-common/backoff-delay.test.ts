import { describe, expect, it } from 'vitest';
import { backoffDelay, DEFAULT_RETRY, retryAfterDelay } from './backoff-delay.js';

describe('backoffDelay', () => {
  const timing = { baseMs: 100, maxMs: 1000 };

  it('doubles its ceiling with each failure in a row, up to the cap', () => {
    const ceilings = [1, 2, 3, 4, 5, 50].map((failures) => backoffDelay(failures, timing, () => 0.999_999));
    expect(ceilings).toEqual([99, 199, 399, 799, 999, 999]);
  });

  it('draws the whole wait at random from 0 (full jitter)', () => {
    expect(backoffDelay(4, timing, () => 0)).toBe(0);
    expect(backoffDelay(4, timing, () => 0.5)).toBe(400);
  });

  it('starts at 1 s and stops at 5 min by default', () => {
    expect(backoffDelay(1, DEFAULT_RETRY, () => 0.999_999)).toBe(999);
    expect(backoffDelay(30, DEFAULT_RETRY, () => 0.999_999)).toBe(299_999);
  });
});

describe('retryAfterDelay', () => {
  const now = Date.parse('2023-10-05T12:00:00Z');

  it.each([
    ['0', 0],
    ['1', 1000],
    [' 120 ', 120_000],
    ['Thu, 05 Oct 2023 12:00:30 GMT', 30_000],
    ['Thu, 05 Oct 2023 11:00:00 GMT', 0],
  ])('reads %j as %i ms', (header, expected) => {
    expect(retryAfterDelay(header, now)).toBe(expected);
  });

  it.each([[null], [undefined], [''], ['soon'], ['1.5'], ['-1']])('ignores %j', (header) => {
    expect(retryAfterDelay(header, now)).toBeUndefined();
  });
});
