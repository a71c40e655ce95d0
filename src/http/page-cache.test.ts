import { describe, expect, it } from 'vitest';
import { pageCache } from './page-cache.js';

const body = (text: string) => Buffer.from(text);

describe('pageCache', () => {
  it('answers a kept page only at the freshness it was computed at', async () => {
    const cache = pageCache();
    await cache.compute('s', 'k', 'v1', async () => ({ freshness: 'v1', body: body('one') }));
    expect(cache.get('k', 'v1')?.toString()).toBe('one');
    expect(cache.get('k', 'v2')).toBeUndefined();
    expect(cache.get('k', 'v1')).toBeUndefined();
  });

  it('keeps a page under the freshness its computation read, not the one asked with', async () => {
    const cache = pageCache();
    await cache.compute('s', 'k', 'v1', async () => ({ freshness: 'v2', body: body('two') }));
    expect(cache.get('k', 'v1')).toBeUndefined();
    await cache.compute('s', 'k', 'v1', async () => ({ freshness: 'v2', body: body('two') }));
    expect(cache.get('k', 'v2')?.toString()).toBe('two');
  });

  it('computes concurrent misses of one key and freshness once, and keeps nothing of a failure', async () => {
    const cache = pageCache();
    let computed = 0;
    const compute = async () => {
      computed++;
      await new Promise((resolve) => setTimeout(resolve, 5));
      return { freshness: 'v1', body: body('once') };
    };
    const answers = await Promise.all([1, 2, 3].map(() => cache.compute('s', 'k', 'v1', compute)));
    expect(answers.map(String)).toEqual(['once', 'once', 'once']);
    expect(computed).toBe(1);
    await expect(
      cache.compute('s', 'bad', 'v1', async () => {
        throw new Error('database down');
      }),
    ).rejects.toThrow('database down');
    expect(cache.get('bad', 'v1')).toBeUndefined();
    expect((await cache.compute('s', 'bad', 'v1', compute)).toString()).toBe('once');
  });

  it('forgets the least recently used pages beyond its size in bytes, keys and freshness counted', async () => {
    // Each entry below costs 6: a 4-byte answer, a 1-character key and a 1-character freshness.
    const cache = pageCache(12);
    for (const key of ['a', 'b', 'c'])
      await cache.compute('s', key, 'v', async () => ({ freshness: 'v', body: body('xxxx') }));
    expect(cache.get('a', 'v')).toBeUndefined();
    expect(cache.get('b', 'v')?.length).toBe(4);
    await cache.compute('s', 'd', 'v', async () => ({ freshness: 'v', body: body('xxxx') }));
    expect(cache.get('c', 'v')).toBeUndefined();
    expect(cache.get('b', 'v')?.length).toBe(4);
    await cache.compute('s', 'huge', 'v', async () => ({ freshness: 'v', body: body('x'.repeat(11)) }));
    expect(cache.get('huge', 'v')).toBeUndefined();
    expect(cache.size()).toEqual({ entries: 2, bytes: 12 });
  });

  it('counts long keys with small answers against its size', async () => {
    const cache = pageCache(1000);
    for (let n = 0; n < 100; n++) {
      const key = `${n}${'&'.repeat(300)}`;
      await cache.compute('s', key, 'v', async () => ({ freshness: 'v', body: body('x') }));
    }
    expect(cache.size().bytes).toBeLessThanOrEqual(1000);
    expect(cache.size().entries).toBe(3);
  });

  it("lets every answer of a scope go once its freshness moved on, and no other scope's", async () => {
    const cache = pageCache();
    const keep = (scope: string, key: string, freshness: string) =>
      cache.compute(scope, key, freshness, async () => ({ freshness, body: body(key) }));
    await keep('/v1/apps/1', 'page1', 'v1');
    await keep('/v1/apps/1', 'page2', 'v1');
    await keep('/v1/apps/2', 'other', 'v1');
    expect(cache.size().entries).toBe(3);
    // A read finds the app at v2: page2, never asked again, can never be sent either.
    expect(cache.get('page1', 'v2')).toBeUndefined();
    expect(cache.size().entries).toBe(1);
    expect(cache.get('other', 'v1')?.toString()).toBe('other');
    await keep('/v1/apps/2', 'other2', 'v2');
    // Its bytes: the answer's, the key's and the freshness's.
    expect(cache.size()).toEqual({ entries: 1, bytes: 6 + 6 + 2 });
  });
});
