import { describe, expect, it } from 'vitest';
import { parseCursor } from '../domain/cursor-codec.js';
import { ApiError } from '../errors/api-error.js';
import { type PagedListing, readPage } from './cursor-paging.js';

const KEY = Buffer.from('a key of thirty-two bytes, really');

/** A listing over a sorted array of ids, which a test can change between pages. */
function listing(ids: string[], scope = '/v1/things'): PagedListing<string> & { ids: string[] } {
  const sorted = () => [...ids].sort();
  return {
    ids,
    scope,
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
const cursorOf = (text: string | undefined) => {
  const token = text === undefined ? undefined : parseCursor(text);
  if (text === undefined || token === undefined) throw new Error(`not a cursor: ${text}`);
  return { text, token };
};

describe('cursor paging', () => {
  it('serves every row once, in order, and no cursor after the last page', async () => {
    const things = listing(ids(23));
    const seen: string[] = [];
    let page = await readPage(things, KEY, undefined, 5);
    seen.push(...page.rows);
    while (page.nextCursor !== undefined) {
      page = await readPage(things, KEY, cursorOf(page.nextCursor), 5);
      seen.push(...page.rows);
    }
    expect(seen).toEqual(ids(23));
    expect(page.total).toBe(23);
  });

  it('neither skips nor repeats when rows appear before the cursor between pages', async () => {
    const things = listing(ids(10, 'm'));
    const first = await readPage(things, KEY, undefined, 4);
    things.ids.push('a0', 'a1', 'a2', 'z9');
    const second = await readPage(things, KEY, cursorOf(first.nextCursor), 4);
    expect(first.rows).toEqual(['m000', 'm001', 'm002', 'm003']);
    expect(second.rows).toEqual(['m004', 'm005', 'm006', 'm007']);
    expect(second.total).toBe(14);
  });

  it('finds its place by searching backwards when rows before the cursor went away', async () => {
    const things = listing(ids(10));
    const first = await readPage(things, KEY, undefined, 6);
    things.ids.splice(0, 4);
    const second = await readPage(things, KEY, cursorOf(first.nextCursor), 6);
    expect(second.rows).toEqual(['id006', 'id007', 'id008', 'id009']);
    expect(second.nextCursor).toBeUndefined();
  });

  it('refuses a cursor of another listing, another key, or whose last row is gone', async () => {
    const things = listing(ids(10));
    const first = await readPage(things, KEY, undefined, 3);
    const cursor = cursorOf(first.nextCursor);
    await expect(readPage(listing(ids(10), '/v1/other'), KEY, cursor, 3)).rejects.toBeInstanceOf(ApiError);
    await expect(readPage(things, Buffer.from('another key'), cursor, 3)).rejects.toThrow(
      `PARAMETER_ERROR.INVALID: '${cursor.text}' is not a valid cursor for this request`,
    );
    things.ids.splice(2, 1);
    await expect(readPage(things, KEY, cursor, 3)).rejects.toBeInstanceOf(ApiError);
  });
});
