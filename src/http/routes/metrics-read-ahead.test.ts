import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localUrl, type PagedBody, type UsageItem } from '../../../test/support/api-responses.js';
import { APPLE_BASE_URL, createHarness, type Harness } from '../../../test/support/harness.js';
import { GROUP, SIBLING_APP, seedSiblings } from '../../../test/support/sibling-data.js';
import { createApp } from '../../main/create-app.js';
import { fixedBaseUrl } from '../links.js';
import { type PageCache, pageCache } from '../page-cache.js';

/**
 * Read-ahead (metrics-answer.ts, readAhead; docs/architecture.md, "Reading ahead"): once a page asked with a
 * cursor is answered, the next page is computed and kept. Each page a client then gets is compared byte for
 * byte with what a server that reads nothing ahead (its own cache, fresh) answers to the same request.
 */

let harness: Harness;
let token: string;
const apps: FastifyInstance[] = [];
beforeAll(async () => {
  harness = await createHarness({ rateLimit: 0 });
  await seedSiblings(harness.store);
  token = await harness.token();
});
afterAll(async () => {
  for (const app of apps) await app.close();
  await harness.close();
});

function server(cache: PageCache = pageCache()) {
  const app = createApp({
    services: harness.services,
    baseUrl: fixedBaseUrl(APPLE_BASE_URL),
    pageCache: cache,
  });
  apps.push(app);
  return app;
}

async function get(app: FastifyInstance, url: string) {
  const response = await app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } });
  expect(response.statusCode, response.body).toBe(200);
  return { body: response.body, next: nextOf(response.json<PagedBody<UsageItem>>()) };
}

const nextOf = (page: PagedBody<UsageItem>) =>
  page.links.next === undefined ? undefined : localUrl(page.links.next);

/** Lets what the server scheduled after its answer run (a read-ahead on SQLite reads synchronously). */
const settled = () => new Promise((resolve) => setTimeout(resolve, 20));

describe.each([
  ['an app', `/v1/apps/${SIBLING_APP}/metrics/betaTesterUsages?groupBy=betaTesters&period=P365D&limit=1`, 5],
  ['a beta group', `/v1/betaGroups/${GROUP}/metrics/betaTesterUsages?groupBy=betaTesters&limit=1`, 3],
])("the pages of %s's report", (_what, first, pages) => {
  it('are read ahead from the second on, each the bytes its request computes', async () => {
    const cache = pageCache();
    const app = server(cache);
    let page = await get(app, first);
    await settled();
    // A first page asked alone reads nothing ahead.
    expect(cache.size().entries).toBe(1);
    let walked = 1;
    while (page.next !== undefined) {
      const url = page.next;
      page = await get(app, url);
      walked++;
      expect(page.body).toBe((await get(server(), url)).body);
      // Asked with a cursor: the page after it is kept once its answer is out, before anyone asks for it.
      const kept = walked + (page.next === undefined ? 0 : 1);
      await expect.poll(() => cache.size().entries).toBe(kept);
    }
    expect(walked).toBe(pages);
  });
});

it('answers a page read ahead before a write as computed after it', async () => {
  const first = `/v1/apps/${SIBLING_APP}/metrics/betaTesterUsages?groupBy=betaTesters&period=P365D&limit=1`;
  const cache = pageCache();
  const app = server(cache);
  const second = (await get(app, first)).next as string;
  const third = (await get(app, second)).next as string;
  await expect.poll(() => cache.size().entries).toBe(3);
  const before = await get(server(), third);
  const testerId = (JSON.parse(before.body) as PagedBody<UsageItem>).data[0]?.dimensions.betaTesters.data.id;
  await harness.store.appendUsageEvents([
    {
      id: 'read-ahead-write',
      appId: SIBLING_APP,
      testerId: testerId ?? '',
      type: 'crash',
      occurredAt: '2023-10-05T09:00:00.000Z',
      receivedAt: '2023-10-05T09:00:01.000Z',
    },
  ]);
  const after = await get(app, third);
  expect(after.body).not.toBe(before.body);
  expect(after.body).toBe((await get(server(), third)).body);
});
