import { describe, expect, it } from 'vitest';
import { testClock } from '../../test/support/harness.js';
import { inMemoryRateLimiter, SecondCounts } from './rate-limiter.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const START = '2025-01-15T12:00:00Z';

describe('inMemoryRateLimiter', () => {
  it('counts down the remaining budget, one per request', async () => {
    const limiter = inMemoryRateLimiter(3600, testClock(START));
    expect(await limiter.consume('KEY1')).toEqual({ allowed: true, limit: 3600, remaining: 3599 });
    expect(await limiter.consume('KEY1')).toEqual({ allowed: true, limit: 3600, remaining: 3598 });
    expect(await limiter.consume('KEY1')).toEqual({ allowed: true, limit: 3600, remaining: 3597 });
  });

  it('keeps one budget per key', async () => {
    const limiter = inMemoryRateLimiter(3, testClock(START));
    await limiter.consume('KEY1');
    await limiter.consume('KEY1');
    expect(await limiter.consume('KEY2')).toMatchObject({ allowed: true, remaining: 2 });
    expect(await limiter.consume('KEY1')).toMatchObject({ allowed: true, remaining: 0 });
    expect(await limiter.consume('KEY1')).toMatchObject({ allowed: false, remaining: 0 });
    expect(await limiter.consume('KEY2')).toMatchObject({ allowed: true, remaining: 1 });
  });

  it('refuses once the budget is spent, and does not count refused requests', async () => {
    const clock = testClock(START);
    const limiter = inMemoryRateLimiter(2, clock);
    await limiter.consume('KEY1');
    clock.advance(MINUTE);
    expect(await limiter.consume('KEY1')).toEqual({ allowed: true, limit: 2, remaining: 0 });
    for (let i = 0; i < 5; i++) {
      clock.advance(MINUTE);
      expect(await limiter.consume('KEY1')).toEqual({ allowed: false, limit: 2, remaining: 0 });
    }
    // Only the first request has left the hour; had the refusals (12:02 to 12:06) counted, they would still
    // fill the window.
    clock.set(new Date(Date.parse(START) + HOUR + 1));
    expect(await limiter.consume('KEY1')).toMatchObject({ allowed: true, remaining: 0 });
    expect(await limiter.consume('KEY1')).toMatchObject({ allowed: false, remaining: 0 });
  });

  it('counts over a rolling hour: each request frees its slot once it is more than an hour old', async () => {
    const clock = testClock(START);
    const limiter = inMemoryRateLimiter(3, clock);
    await limiter.consume('KEY1'); // 12:00
    clock.advance(10 * MINUTE);
    await limiter.consume('KEY1'); // 12:10
    clock.advance(10 * MINUTE);
    await limiter.consume('KEY1'); // 12:20

    clock.set('2025-01-15T12:59:00Z');
    expect(await limiter.consume('KEY1')).toMatchObject({ allowed: false, remaining: 0 });

    clock.set('2025-01-15T13:00:00.001Z');
    expect(await limiter.peek('KEY1')).toMatchObject({ remaining: 1 });
    expect(await limiter.consume('KEY1')).toMatchObject({ allowed: true, remaining: 0 });
    expect(await limiter.consume('KEY1')).toMatchObject({ allowed: false, remaining: 0 });

    clock.set('2025-01-15T13:10:00.001Z');
    expect(await limiter.consume('KEY1')).toMatchObject({ allowed: true, remaining: 0 });
  });

  it('after a quiet hour the whole budget is back', async () => {
    const clock = testClock(START);
    const limiter = inMemoryRateLimiter(3, clock);
    for (let i = 0; i < 4; i++) await limiter.consume('KEY1');
    clock.advance(HOUR + 1);
    expect(await limiter.consume('KEY1')).toEqual({ allowed: true, limit: 3, remaining: 2 });
  });

  it('peek reports the budget without spending it', async () => {
    const limiter = inMemoryRateLimiter(3, testClock(START));
    expect(await limiter.peek('KEY1')).toEqual({ allowed: true, limit: 3, remaining: 3 });
    await limiter.consume('KEY1');
    for (let i = 0; i < 5; i++) expect(await limiter.peek('KEY1')).toMatchObject({ remaining: 2 });
    expect(await limiter.consume('KEY1')).toMatchObject({ allowed: true, remaining: 1 });
  });

  it('frees a request with the other requests of its second: once that second began an hour before', async () => {
    const clock = testClock(START);
    const limiter = inMemoryRateLimiter(2, clock);
    clock.set('2025-01-15T12:00:00.900Z');
    await limiter.consume('KEY1');
    await limiter.consume('KEY1');
    clock.set('2025-01-15T12:59:59.999Z');
    expect(await limiter.peek('KEY1')).toMatchObject({ remaining: 0 });
    // Up to a second early (docs/apple-behavior.md, §6): both came in the second that began at 12:00:00.
    clock.set('2025-01-15T13:00:00.000Z');
    expect(await limiter.peek('KEY1')).toMatchObject({ remaining: 2 });
  });

  it('holds a count per second, not per request, however large the limit', async () => {
    const clock = testClock(START);
    const limiter = inMemoryRateLimiter(1_000_000_000, clock);
    for (let i = 0; i < 100_000; i++) {
      if (i % 10_000 === 0) clock.advance(1000);
      await limiter.consume('KEY1');
    }
    expect(await limiter.peek('KEY1')).toMatchObject({ remaining: 1_000_000_000 - 100_000 });
    clock.advance(HOUR - 5_000);
    // The first five seconds have left the hour.
    expect(await limiter.peek('KEY1')).toMatchObject({ remaining: 1_000_000_000 - 50_000 });
  });
});

describe('SecondCounts', () => {
  it('keeps one count per second, and cuts off the seconds it forgot', () => {
    const counts = new SecondCounts();
    const start = Date.parse(START);
    for (let second = 0; second < 10; second++)
      for (let i = 0; i < 1000; i++) counts.add(start + second * 1000 + (i % 1000));
    expect({ total: counts.total, kept: counts.kept }).toEqual({ total: 10_000, kept: 10 });
    counts.forgetBefore(start + 5_000);
    expect({ total: counts.total, kept: counts.kept }).toEqual({ total: 4_000, kept: 4 });
  });
});
