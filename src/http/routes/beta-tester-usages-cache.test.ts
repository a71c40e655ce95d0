import { afterAll, beforeAll, expect, it } from 'vitest';
import { APPLE_BASE_URL, createHarness, type Harness } from '../../../test/support/harness.js';
import { createApp } from '../../main/create-app.js';
import { fixedBaseUrl } from '../links.js';
import { pageCache } from '../page-cache.js';

// The kept answers of the metrics path are keyed by the query as read: a client cannot grow the cache by
// writing the same query many ways, and what it keeps is bounded by bytes, keys included.

let harness: Harness;
beforeAll(async () => {
  harness = await createHarness({ demo: true, rateLimit: 0 });
});
afterAll(() => harness.close());

const PAGE = '/v1/apps/6447306070/metrics/betaTesterUsages?period=P365D&limit=5&groupBy=betaTesters';

it('keeps one answer for a query padded or spelled many ways, the same bytes as the plain one', async () => {
  const cache = pageCache();
  const app = createApp({
    services: harness.services,
    baseUrl: fixedBaseUrl(APPLE_BASE_URL),
    pageCache: cache,
  });
  try {
    const token = await harness.token();
    const get = (url: string) =>
      app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } });
    const plain = await get(PAGE);
    expect(plain.statusCode).toBe(200);
    for (let n = 1; n <= 40; n++) {
      const padded = await get(`${PAGE}${'&'.repeat(n * 50)}&=${n}`);
      expect(padded.statusCode).toBe(200);
      expect(padded.body).toBe(plain.body);
    }
    const leadingZeros = await get(PAGE.replace('limit=5', 'limit=005'));
    expect(leadingZeros.body).toBe(plain.body);
    expect(cache.size().entries).toBe(1);
  } finally {
    await app.close();
  }
});
