import { describe, expect, it } from 'vitest';
import { RecentlyUsed } from './recently-used.js';

const sized = (bytes: number, name = '') => ({ bytes, name });

describe('RecentlyUsed', () => {
  it('drops the least recently used first once the bytes pass the budget', () => {
    const kept = new RecentlyUsed<{ bytes: number; name: string }>(30);
    kept.keep('a', sized(10));
    kept.keep('b', sized(10));
    kept.keep('c', sized(10));
    kept.use('a');
    kept.keep('d', sized(10));
    expect(kept.keys()).toEqual(['c', 'a', 'd']);
    expect(kept.bytes).toBe(30);
    expect(kept.count).toBe(3);
  });

  it('a use of the newest changes nothing, and a use after it was forgotten keeps the order exact', () => {
    const kept = new RecentlyUsed<{ bytes: number; name: string }>(100);
    kept.keep('a', sized(1));
    kept.keep('b', sized(1));
    kept.use('b');
    kept.use('b');
    expect(kept.keys()).toEqual(['a', 'b']);
    kept.forget('b');
    // 'a' is now last, but not known as the newest: using it is exact all the same.
    kept.use('a');
    kept.keep('c', sized(1));
    kept.use('a');
    expect(kept.keys()).toEqual(['c', 'a']);
  });

  it('counts a replaced entry once, and never keeps one larger than the whole budget', () => {
    const kept = new RecentlyUsed<{ bytes: number; name: string }>(20);
    kept.keep('a', sized(5, 'first'));
    kept.keep('a', sized(7, 'second'));
    expect(kept.bytes).toBe(7);
    expect(kept.peek('a')?.name).toBe('second');
    kept.keep('b', sized(21));
    expect(kept.peek('b')).toBeUndefined();
    expect(kept.keys()).toEqual(['a']);
    expect(kept.bytes).toBe(7);
  });

  it('a use of a key that is gone brings nothing back and counts nothing', () => {
    const kept = new RecentlyUsed<{ bytes: number; name: string }>(20);
    kept.keep('a', sized(5));
    kept.forget('a');
    kept.use('a');
    expect(kept.keys()).toEqual([]);
    expect(kept.bytes).toBe(0);
  });

  it('keeps the bytes exact through any sequence of keeps, uses and forgets', () => {
    const kept = new RecentlyUsed<{ bytes: number; name: string }>(50);
    let seed = 7;
    const next = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed;
    };
    for (let step = 0; step < 5000; step++) {
      const key = `k${next() % 12}`;
      const action = next() % 3;
      if (action === 0) kept.keep(key, sized(1 + (next() % 20)));
      else if (action === 1) kept.use(key);
      else kept.forget(key);
      const sum = kept.keys().reduce((total, k) => total + (kept.peek(k)?.bytes ?? 0), 0);
      expect(kept.bytes).toBe(sum);
      expect(kept.bytes).toBeLessThanOrEqual(50);
    }
  });
});
