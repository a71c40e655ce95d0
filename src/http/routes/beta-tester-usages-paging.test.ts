import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  addEvents,
  allPages,
  cursorOf,
  expectErrors,
  installTesters,
  invalidCursor,
  localUrl,
  type PagedBody,
  type UsageItem,
} from '../../../test/support/api-responses.js';
import { APPLE_BASE_URL, createHarness, type Harness, seedApp } from '../../../test/support/harness.js';

/** Paging of GET /v1/apps/{id}/metrics/betaTesterUsages: limit, links.next, cursors (docs/apple-behavior.md, §1-3). */

const PATH = '/v1/apps/100/metrics/betaTesterUsages';
const BASE = `${APPLE_BASE_URL}${PATH}`;
const CURSOR = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

const idsOf = (body: PagedBody<UsageItem>) => body.data.map((item) => item.dimensions.betaTesters.data.id);
const pad = (n: number) => String(n).padStart(3, '0');
const range = (from: number, to: number, prefix: string) =>
  Array.from({ length: to - from + 1 }, (_, i) => `${prefix}${pad(from + i)}`);

async function firstPage(harness: Harness, query: string): Promise<PagedBody<UsageItem>> {
  const response = await harness.get(`${PATH}?${query}`);
  expect(response.statusCode, response.body).toBe(200);
  return response.json<PagedBody<UsageItem>>();
}

describe('200', () => {
  describe('limit', () => {
    let harness: Harness;
    beforeAll(async () => {
      harness = await createHarness();
      const installed = range(1, 201, 't').map((id) => ({ id }));
      const invited = range(1, 3, 'i').map((id) => ({ id, installed: false }));
      await seedApp(harness.store, '100', [...invited, ...installed]);
    });
    afterAll(async () => {
      await harness.close();
    });

    it.each([
      { query: 'groupBy=betaTesters', rows: 50, limit: 50 },
      { query: 'groupBy=betaTesters&limit=1', rows: 1, limit: 1 },
      { query: 'groupBy=betaTesters&limit=200', rows: 200, limit: 200 },
    ])('$query gives $rows rows of the 201 installed testers', async ({ query, rows, limit }) => {
      const body = await firstPage(harness, query);

      expect(idsOf(body)).toEqual(range(1, rows, 't'));
      expect(body.meta).toEqual({ paging: { total: 201, limit } });
      expect(body.links.next).toBeDefined();
    });
  });

  describe('links.next', () => {
    let harness: Harness;
    const installed = range(1, 23, 't');
    beforeEach(async () => {
      harness = await createHarness();
      const never = ['t000', 't0105', 't999'].map((id) => ({ id, installed: false }));
      await seedApp(harness.store, '100', [...installed.map((id) => ({ id })), ...never]);
    });
    afterEach(async () => {
      await harness.close();
    });

    it('is cursor=<c>& followed by the query of self', async () => {
      const body = await firstPage(harness, 'limit=5&period=P7D&groupBy=betaTesters');

      expect(body.links.self).toBe(`${BASE}?limit=5&period=PT168H&groupBy=betaTesters`);
      const cursor = cursorOf(body.links.next ?? '');
      expect(cursor).toMatch(CURSOR);
      expect(body.links.next).toBe(`${BASE}?cursor=${cursor}&limit=5&period=PT168H&groupBy=betaTesters`);
    });

    it('leads through every installed tester exactly once, and the last page has no next', async () => {
      const pages = await allPages<UsageItem>(harness, `${PATH}?groupBy=betaTesters&limit=5`);

      expect(pages.map((page) => page.data.length)).toEqual([5, 5, 5, 5, 3]);
      expect(pages.flatMap(idsOf)).toEqual(installed);
      expect(pages.map((page) => page.meta)).toEqual(Array(5).fill({ paging: { total: 23, limit: 5 } }));
      expect(pages.at(-1)?.links.next).toBeUndefined();
    });

    it('keeps the period while following next (it comes back as PT720H)', async () => {
      const pages = await allPages<UsageItem>(harness, `${PATH}?period=P30D&groupBy=betaTesters&limit=10`);

      expect(pages.flatMap(idsOf)).toEqual(installed);
      expect(pages.flatMap((page) => page.data.map((item) => item.dataPoints[0]?.start))).toEqual(
        Array(23).fill('2023-09-05'),
      );
    });

    it('is absent when the page holds the last tester', async () => {
      const body = await firstPage(harness, 'groupBy=betaTesters&limit=23');
      expect(body.data).toHaveLength(23);
      expect(body.links.next).toBeUndefined();
    });

    it('on a request with a cursor: self keeps it where the client put it, next has only the new one, first', async () => {
      const first = await firstPage(harness, 'groupBy=betaTesters&limit=5');
      const cursor = cursorOf(first.links.next ?? '');

      const second = await firstPage(harness, `groupBy=betaTesters&cursor=${cursor}&limit=5`);

      expect(idsOf(second)).toEqual(range(6, 10, 't'));
      expect(second.links.self).toBe(`${BASE}?groupBy=betaTesters&cursor=${cursor}&limit=5`);
      const next = cursorOf(second.links.next ?? '');
      expect(next).not.toBe(cursor);
      expect(second.links.next).toBe(`${BASE}?cursor=${next}&groupBy=betaTesters&limit=5`);
    });
  });

  describe('paging while data changes', () => {
    let harness: Harness;
    beforeEach(async () => {
      harness = await createHarness();
    });
    afterEach(async () => {
      await harness.close();
    });

    it('skips and repeats no tester of the initial set, and shows no tester twice', async () => {
      const initial = Array.from({ length: 20 }, (_, i) => `u${pad(2 * (i + 1))}`);
      await seedApp(harness.store, '100', [
        ...initial.map((id) => ({ id })),
        { id: 'u013', installed: false },
      ]);
      const at = '2023-10-05T08:00:00.000Z';

      const page1 = await firstPage(harness, 'groupBy=betaTesters&limit=5');
      expect(idsOf(page1)).toEqual(['u002', 'u004', 'u006', 'u008', 'u010']);
      await installTesters(harness.store, '100', ['u001', 'u007', 'u011', 'u025', 'u099'], at);
      await addEvents(harness.store, '100', ['u013'], 'install', 1, at);
      await addEvents(harness.store, '100', ['u004', 'u012', 'u030'], 'session', 3, at);

      const page2 = await firstPage(
        harness,
        `groupBy=betaTesters&limit=5&cursor=${cursorOf(page1.links.next ?? '')}`,
      );
      await installTesters(harness.store, '100', ['u000', 'u015', 'u017', 'u031'], at);
      const rest = await allPages<UsageItem>(harness, localUrl(page2.links.next ?? ''));

      const seen = [page1, page2, ...rest].flatMap(idsOf);
      expect(new Set(seen).size).toBe(seen.length);
      for (const id of initial) expect(seen.filter((s) => s === id)).toEqual([id]);
      expect(seen).toEqual([...seen].sort());
      const u030 = rest
        .flatMap((page) => page.data)
        .find((item) => item.dimensions.betaTesters.data.id === 'u030');
      expect(u030?.dataPoints[0]?.values.sessionCount).toBe(3);
    });

    it('continues right after the last tester served when hundreds appeared before it', async () => {
      await seedApp(
        harness.store,
        '100',
        range(1, 9, 'v5').map((id) => ({ id })),
      );
      const page1 = await firstPage(harness, 'groupBy=betaTesters&limit=4');
      await installTesters(harness.store, '100', range(1, 300, 'v1'), '2023-10-05T08:00:00.000Z');

      const page2 = await firstPage(
        harness,
        `groupBy=betaTesters&limit=4&cursor=${cursorOf(page1.links.next ?? '')}`,
      );

      expect(idsOf(page2)).toEqual(range(5, 8, 'v5'));
      expect(page2.meta.paging.total).toBe(309);
    });
  });

  it('builds every link on the configured base URL', async () => {
    const harness = await createHarness({ baseUrl: 'http://example.test:9000' });
    try {
      await seedApp(harness.store, '100', [{ id: 'a' }, { id: 'b' }]);
      const base = `http://example.test:9000${PATH}`;

      const body = await firstPage(harness, 'groupBy=betaTesters&limit=1');

      expect(body.links.self).toBe(`${base}?groupBy=betaTesters&limit=1`);
      expect(body.links.next).toBe(
        `${base}?cursor=${cursorOf(body.links.next ?? '')}&groupBy=betaTesters&limit=1`,
      );
      expect(body.data[0]?.dimensions.betaTesters.links).toEqual({
        related: 'http://example.test:9000/v1/betaTesters/a',
        groupBy: `${base}?groupBy=betaTesters`,
      });
      const pages = await allPages<UsageItem>(harness, `${PATH}?groupBy=betaTesters&limit=1`);
      expect(pages.flatMap(idsOf)).toEqual(['a', 'b']);
    } finally {
      await harness.close();
    }
  });
});

describe('400', () => {
  let harness: Harness;
  let cursor: string;
  const testers = range(1, 10, 't').map((id) => ({ id }));
  beforeAll(async () => {
    harness = await createHarness();
    await seedApp(harness.store, '100', testers);
    // The same testers in another app: only the app tells the two listings apart.
    await seedApp(harness.store, '200', testers);
    cursor = cursorOf((await firstPage(harness, 'groupBy=betaTesters&limit=3&period=P7D')).links.next ?? '');
  });
  afterAll(async () => {
    await harness.close();
  });

  const getWith = (path: string, query: string, sent: string) =>
    harness.get(`${path}?${query}&cursor=${encodeURIComponent(sent)}`);

  it('the cursor itself is accepted with the query it came from (control)', async () => {
    const response = await getWith(PATH, 'groupBy=betaTesters&limit=3&period=P7D', cursor);
    expect(response.statusCode).toBe(200);
    expect(idsOf(response.json<PagedBody<UsageItem>>())).toEqual(['t004', 't005', 't006']);
  });

  it.each(['garbage', '', 'AQ', 'AQ.AAAAAA.AA', 'AA.AAAAAA', '%%%'])(
    'cursor %j is not valid',
    async (sent) => {
      const response = await getWith(PATH, 'groupBy=betaTesters&limit=3&period=P7D', sent);
      expectErrors(response, 400, [invalidCursor(sent)]);
    },
  );

  it.each([
    ['the position', 0],
    ['the tag', -6],
  ])('a cursor with one character of %s changed is not valid', async (_part, index) => {
    const at = index < 0 ? cursor.length + index : index;
    const changed = `${cursor.slice(0, at)}${cursor[at] === 'B' ? 'C' : 'B'}${cursor.slice(at + 1)}`;
    const response = await getWith(PATH, 'groupBy=betaTesters&limit=3&period=P7D', changed);
    expectErrors(response, 400, [invalidCursor(changed)]);
  });

  it.each([
    ['another app', '/v1/apps/200/metrics/betaTesterUsages', 'groupBy=betaTesters&limit=3&period=P7D'],
    ['another period', PATH, 'groupBy=betaTesters&limit=3&period=P30D'],
    ['no period (365 days)', PATH, 'groupBy=betaTesters&limit=3'],
    ['a filter added', PATH, 'groupBy=betaTesters&filter[betaTesters]=t003&limit=3&period=P7D'],
    ['the filter instead of groupBy', PATH, 'filter[betaTesters]=t003&limit=3&period=P7D'],
  ])('a valid cursor used with %s is not valid', async (_case, path, query) => {
    expectErrors(await getWith(path, query, cursor), 400, [invalidCursor(cursor)]);
  });
});
