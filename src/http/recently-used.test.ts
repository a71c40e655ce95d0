import { describe, expect, it } from 'vitest';
import { FreshAnswers, RecentlyUsed } from './recently-used.js';

const sized = (bytes: number, name = '') => ({ bytes, name });

/** The same sequence of pseudo-random integers from the same seed, run after run (a linear congruence). */
function seededRandom(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state;
  };
}

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
    const next = seededRandom(7);
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

const stamped = (scope: string, freshness: string, bytes = 1) => ({ scope, freshness, bytes });

describe('FreshAnswers', () => {
  it("drops a scope's answers made at an older freshness once one is kept at a newer, and no other scope's", () => {
    const kept = new FreshAnswers<ReturnType<typeof stamped>>(100);
    kept.keep('a/page1', stamped('a', 'v1'));
    kept.keep('a/page2', stamped('a', 'v1'));
    kept.keep('b/page1', stamped('b', 'v1'));
    kept.keep('a/page3', stamped('a', 'v2'));
    expect(kept.keys()).toEqual(['b/page1', 'a/page3']);
    expect(kept.bytes).toBe(2);
    expect(kept.scopeCount).toBe(2);
  });

  it("retires a scope's answers when a check finds it at another freshness, or gone, and keeps them at the same", () => {
    const kept = new FreshAnswers<ReturnType<typeof stamped>>(100);
    kept.keep('a/1', stamped('a', 'v1'));
    kept.keep('a/2', stamped('a', 'v1'));
    kept.keep('b/1', stamped('b', 'v1'));
    kept.retire('a', 'v1');
    expect(kept.count).toBe(3);
    kept.retire('a', 'v2');
    expect(kept.keys()).toEqual(['b/1']);
    kept.retire('b', undefined);
    expect(kept.count).toBe(0);
    expect(kept.bytes).toBe(0);
    expect(kept.scopeCount).toBe(0);
    // A scope retired or never seen: nothing to do.
    kept.retire('a', 'v3');
    kept.retire('c', 'v1');
    expect(kept.count).toBe(0);
  });

  it('forgets a scope once the budget or a forget took its last answer, and keeps nothing over the budget', () => {
    const kept = new FreshAnswers<ReturnType<typeof stamped>>(10);
    kept.keep('a/1', stamped('a', 'v1', 5));
    kept.keep('b/1', stamped('b', 'v1', 5));
    kept.keep('c/1', stamped('c', 'v1', 5));
    expect(kept.keys()).toEqual(['b/1', 'c/1']);
    expect(kept.scopeCount).toBe(2);
    kept.forget('b/1');
    expect(kept.scopeCount).toBe(1);
    kept.keep('d/1', stamped('d', 'v1', 11));
    expect(kept.peek('d/1')).toBeUndefined();
    expect(kept.scopeCount).toBe(1);
    // The same key kept again at the same freshness stays one answer of its scope.
    kept.keep('c/1', stamped('c', 'v1', 4));
    kept.forget('c/1');
    expect(kept.scopeCount).toBe(0);
  });

  it("keeps every answer at its scope's one freshness through any sequence of keeps, uses, forgets and retires", () => {
    const kept = new FreshAnswers<ReturnType<typeof stamped>>(40);
    const next = seededRandom(11);
    for (let step = 0; step < 5000; step++) {
      const scope = `s${next() % 4}`;
      const key = `${scope}/${next() % 5}`;
      const freshness = `v${next() % 3}`;
      const action = next() % 4;
      if (action === 0) kept.keep(key, stamped(scope, freshness, 1 + (next() % 9)));
      else if (action === 1) kept.use(key);
      else if (action === 2) kept.forget(key);
      else kept.retire(scope, next() % 5 === 0 ? undefined : freshness);
      const entries = kept.keys().map((k) => kept.peek(k));
      const freshnessOf = new Map<string, string>();
      for (const entry of entries) {
        if (entry === undefined) throw new Error('a key without its entry');
        expect(freshnessOf.get(entry.scope) ?? entry.freshness).toBe(entry.freshness);
        freshnessOf.set(entry.scope, entry.freshness);
      }
      expect(kept.scopeCount).toBe(freshnessOf.size);
      expect(kept.bytes).toBe(entries.reduce((total, entry) => total + (entry?.bytes ?? 0), 0));
      expect(kept.bytes).toBeLessThanOrEqual(40);
    }
  });
});
