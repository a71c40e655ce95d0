import { describe, expect, it } from 'vitest';
import { ReadCache } from './read-cache.js';

/** A store of rows in memory, counting its reads, and a way to hold a read until the test lets it finish. */
function rows(initial: Record<string, string>) {
  const held: Array<() => void> = [];
  let reads = 0;
  let holding = false;
  return {
    rows: { ...initial } as Record<string, string | undefined>,
    get reads() {
      return reads;
    },
    hold() {
      holding = true;
    },
    release() {
      holding = false;
      for (const finish of held.splice(0)) finish();
    },
    loader() {
      return async (key: string) => {
        reads++;
        const value = this.rows[key];
        if (holding) await new Promise<void>((resolve) => held.push(resolve));
        return value;
      };
    },
  };
}

describe('ReadCache', () => {
  it('answers from memory while watching, and reads the store every time while not', async () => {
    const store = rows({ k: 'v1' });
    const cache = new ReadCache<string>(10);
    const load = store.loader();
    expect(await cache.read('k', true, load)).toBe('v1');
    expect(await cache.read('k', true, load)).toBe('v1');
    expect(store.reads).toBe(1);
    store.rows.k = 'v2';
    // Not watching: a change may have gone unheard, so what is kept is not answered.
    expect(await cache.read('k', false, load)).toBe('v2');
    expect(await cache.read('k', false, load)).toBe('v2');
    expect(store.reads).toBe(3);
    expect(cache.counts()).toEqual({ entries: 1, hits: 1, misses: 3 });
  });

  it('keeps nothing read while not watching, and no row that does not exist', async () => {
    const store = rows({ k: 'v1' });
    const cache = new ReadCache<string>(10);
    const load = store.loader();
    await cache.read('k', false, load);
    await cache.read('missing', true, load);
    await cache.read('missing', true, load);
    expect(cache.counts()).toEqual({ entries: 0, hits: 0, misses: 3 });
  });

  it('forgets one row or all of them', async () => {
    const store = rows({ a: 'a1', b: 'b1' });
    const cache = new ReadCache<string>(10);
    const load = store.loader();
    await cache.read('a', true, load);
    await cache.read('b', true, load);
    store.rows.a = 'a2';
    store.rows.b = 'b2';
    cache.forget('a');
    expect(await cache.read('a', true, load)).toBe('a2');
    expect(await cache.read('b', true, load)).toBe('b1');
    cache.forget();
    expect(await cache.read('b', true, load)).toBe('b2');
  });

  it('does not keep a row read while a change was told: the read may have seen it before the change', async () => {
    const store = rows({ k: 'v1' });
    const cache = new ReadCache<string>(10);
    const load = store.loader();
    store.hold();
    const reading = cache.read('k', true, load);
    // The change commits and is told while the read is under way, after it read the row as it was.
    store.rows.k = 'v2';
    cache.forget('k');
    store.release();
    expect(await reading).toBe('v1');
    expect(await cache.read('k', true, load)).toBe('v2');
    expect(store.reads).toBe(2);
  });

  it('holds at most its capacity, forgetting the least recently read first', async () => {
    const store = rows({ a: '1', b: '2', c: '3' });
    const cache = new ReadCache<string>(2);
    const load = store.loader();
    await cache.read('a', true, load);
    await cache.read('b', true, load);
    await cache.read('a', true, load); // a is now the most recently read
    await cache.read('c', true, load); // b goes
    expect(cache.counts().entries).toBe(2);
    const before = store.reads;
    await cache.read('a', true, load);
    await cache.read('c', true, load);
    expect(store.reads).toBe(before);
    await cache.read('b', true, load);
    expect(store.reads).toBe(before + 1);
  });

  it('orders reads alike whether answered by `read` or `readKept`, the newest read again or another', async () => {
    const store = rows({ a: '1', b: '2', c: '3', d: '4' });
    const cache = new ReadCache<string>(3);
    const load = store.loader();
    for (const key of ['a', 'b', 'c']) await cache.read(key, true, load);
    // c, the newest, read again and again moves nothing; a read of a makes b the least recently read.
    expect(cache.readKept('c')).toBe('3');
    expect(cache.readKept('c')).toBe('3');
    expect(cache.readKept('a')).toBe('1');
    expect(cache.readKept('a')).toBe('1');
    await cache.read('d', true, load); // b goes
    expect(cache.readKept('b')).toBeUndefined();
    expect(['a', 'c', 'd'].map((key) => cache.readKept(key))).toEqual(['1', '3', '4']);
    // Read in the order a, c, d; kept again, a is the newest, and b pushes out c.
    cache.put('a', '1b');
    await cache.read('b', true, load);
    expect(['a', 'b', 'c', 'd'].map((key) => cache.peek(key))).toEqual(['1b', '2', undefined, '4']);
    expect(cache.counts()).toEqual({ entries: 3, hits: 7, misses: 5 });
  });
});
