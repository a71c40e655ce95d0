import { describe, expect, it } from 'vitest';
import { createRatePacer, paceInterval, parseRateLimit } from './rate-pacer.js';

describe('parseRateLimit', () => {
  it.each([
    ['user-hour-lim:3600;user-hour-rem:3599;', { limit: 3600, remaining: 3599 }],
    ['user-hour-lim:3600;user-hour-rem:0', { limit: 3600, remaining: 0 }],
    [' user-hour-rem : 12 ; user-hour-lim:500;', { limit: 500, remaining: 12 }],
    ['user-hour-lim:3600;', undefined],
    ['user-hour-lim:0;user-hour-rem:0;', undefined],
    ['nonsense', undefined],
    [null, undefined],
  ])('%j', (header, expected) => {
    expect(parseRateLimit(header)).toEqual(expected);
  });
});

describe('paceInterval', () => {
  it.each([
    ['5 % left or more: no spacing', { limit: 3600, remaining: 180 }, 0],
    ['under 5 %: an hour over what is left', { limit: 3600, remaining: 179 }, Math.ceil(3_600_000 / 179)],
    ['nothing left counts as one', { limit: 3600, remaining: 0 }, 3_600_000],
    ['no budget seen', undefined, 0],
  ])('%s', (_case, budget, expected) => {
    expect(paceInterval(budget)).toBe(expected);
  });

  it('a threshold of 0 turns pacing off', () => {
    expect(paceInterval({ limit: 3600, remaining: 1 }, 0)).toBe(0);
  });
});

describe('createRatePacer', () => {
  it('lets requests go at once while the budget is healthy', () => {
    const pacer = createRatePacer();
    pacer.observe('user-hour-lim:3600;user-hour-rem:3000;', 1000);

    expect([pacer.reserve(1000), pacer.reserve(1000)]).toEqual([0, 0]);
  });

  it('spaces requests from the answer that reported a low budget, queueing those that start together', () => {
    const pacer = createRatePacer();
    pacer.observe('user-hour-lim:3600;user-hour-rem:100;', 10_000);

    // 3,600 s / 100 = 36 s apart, counted from the answer.
    expect([pacer.reserve(10_000), pacer.reserve(10_000), pacer.reserve(20_000)]).toEqual([
      36_000, 72_000, 98_000,
    ]);
    expect(pacer.budget).toEqual({ limit: 3600, remaining: 100 });
  });

  it('stops spacing once the budget is healthy again', () => {
    const pacer = createRatePacer();
    pacer.observe('user-hour-lim:3600;user-hour-rem:100;', 0);
    pacer.observe('user-hour-lim:3600;user-hour-rem:3000;', 10_000);

    expect(pacer.reserve(10_000)).toBe(0);
    expect(pacer.reserve(10_000)).toBe(0);
  });
});
