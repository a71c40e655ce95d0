import { describe, expect, it } from 'vitest';
import { InvalidCursor, type PageRequest, type PagedListing, readPage } from './cursor-paging.js';
import type { CursorToken } from './cursor-token.js';

const KEY = Buffer.from('a key of thirty-two bytes, really');

/** A listing over a sorted array of ids, which a test can change between pages. */
function listing(ids: string[]): PagedListing<string> & { ids: string[] } {
  const sorted = () => [...ids].sort();
  return {
    ids,
    count: async () => ids.length,
    list: async ({ afterId, offset = 0, limit }) =>
      sorted()
        .filter((id) => afterId === undefined || id > afterId)
        .slice(offset, offset + limit),
    idOf: (id) => id,
  };
}

const ids = (n: number, prefix = 'id') =>
  Array.from({ length: n }, (_, i) => `${prefix}${String(i).padStart(3, '0')}`);
const cursorOf = (token: CursorToken | undefined) => {
  if (token === undefined) throw new Error('not a cursor');
  return token;
};
/** A page of `limit` rows after `after`, of the listing named `scope`. */
const page = (limit: number, after?: CursorToken, scope = '/v1/things'): PageRequest => ({
  limit,
  after,
  scope,
});

describe('cursor paging', () => {
  it('serves every row once, in order, and no cursor after the last page', async () => {
    const things = listing(ids(23));
    const seen: string[] = [];
    let current = await readPage(things, KEY, page(5));
    seen.push(...current.rows);
    while (current.next !== undefined) {
      current = await readPage(things, KEY, page(5, cursorOf(current.next)));
      seen.push(...current.rows);
    }
    expect(seen).toEqual(ids(23));
    expect(current.total).toBe(23);
  });

  it('neither skips nor repeats when rows appear before the cursor between pages', async () => {
    const things = listing(ids(10, 'm'));
    const first = await readPage(things, KEY, page(4));
    things.ids.push('a0', 'a1', 'a2', 'z9');
    const second = await readPage(things, KEY, page(4, cursorOf(first.next)));
    expect(first.rows).toEqual(['m000', 'm001', 'm002', 'm003']);
    expect(second.rows).toEqual(['m004', 'm005', 'm006', 'm007']);
    expect(second.total).toBe(14);
  });

  it('finds its place by searching backwards when rows before the cursor went away', async () => {
    const things = listing(ids(10));
    const first = await readPage(things, KEY, page(6));
    things.ids.splice(0, 4);
    const second = await readPage(things, KEY, page(6, cursorOf(first.next)));
    expect(second.rows).toEqual(['id006', 'id007', 'id008', 'id009']);
    expect(second.next).toBeUndefined();
  });

  it('refuses a cursor of another listing, another key, or whose last row is gone', async () => {
    const things = listing(ids(10));
    const first = await readPage(things, KEY, page(3));
    const cursor = cursorOf(first.next);
    await expect(readPage(listing(ids(10)), KEY, page(3, cursor, '/v1/other'))).rejects.toBeInstanceOf(
      InvalidCursor,
    );
    // The edge answers it 400 PARAMETER_ERROR.INVALID quoting the cursor (beta-tester-usages-paging.test.ts).
    await expect(readPage(things, Buffer.from('another key'), page(3, cursor))).rejects.toMatchObject({
      name: 'InvalidCursor',
      token: cursor,
    });
    things.ids.splice(2, 1);
    await expect(readPage(things, KEY, page(3, cursor))).rejects.toBeInstanceOf(InvalidCursor);
  });

  it('reads a later page in one listing read when the last row served is still at its position', async () => {
    const things = listing(ids(30));
    const reads: unknown[] = [];
    const counted: PagedListing<string> = {
      ...things,
      list: (window) => {
        reads.push(window);
        return things.list(window);
      },
    };
    const first = await readPage(counted, KEY, page(10));
    reads.length = 0;
    const second = await readPage(counted, KEY, page(10, cursorOf(first.next)));
    expect(second.rows).toEqual(ids(30).slice(10, 20));
    // Without the combined read: one read to find the token's row, another for the page after it.
    expect(reads).toEqual([{ offset: 9, limit: 15 }]);
    const third = await readPage(counted, KEY, page(10, cursorOf(second.next)));
    expect(third.rows).toEqual(ids(30).slice(20));
    expect(third.next).toBeUndefined();
  });

  it('finds its place further on when many rows appeared before the cursor, in a listing in its own order', async () => {
    const values = ids(12, 'm');
    const things: PagedListing<string> = {
      count: async () => values.length,
      list: async ({ offset = 0, limit }) => values.slice(offset, offset + limit),
      idOf: (id) => id,
      byOffset: true,
    };
    const first = await readPage(things, KEY, page(5));
    values.unshift(...ids(7, 'a'));
    const second = await readPage(things, KEY, page(5, cursorOf(first.next)));
    expect(second.rows).toEqual(['m005', 'm006', 'm007', 'm008', 'm009']);
    const third = await readPage(things, KEY, page(5, cursorOf(second.next)));
    expect(third.rows).toEqual(['m010', 'm011']);
    expect(third.total).toBe(19);
  });
});
