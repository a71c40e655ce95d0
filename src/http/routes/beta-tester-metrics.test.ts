import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  allPages,
  expectErrors,
  FORBIDDEN,
  getAs,
  illegal,
  invalid,
  notFound,
  type PagedBody,
} from '../../../test/support/api-responses.js';
import { APPLE_BASE_URL, createHarness, type Harness } from '../../../test/support/harness.js';
import { validateResponse } from '../../../test/support/openapi-validator.js';
import {
  inLastDays,
  OTHER_APP,
  SIBLING_APP,
  seedSiblings,
  sumEvents,
} from '../../../test/support/sibling-data.js';

/**
 * GET /v1/betaTesters/{id}/metrics/betaTesterUsages (docs/apple-behavior.md, §7): one item per app of
 * `filter[apps]` the tester installed, dimension `apps`, the app's rules otherwise.
 */

const TEMPLATE = '/v1/betaTesters/{id}/metrics/betaTesterUsages';
const PATH = '/v1/betaTesters/s1/metrics/betaTesterUsages';
const BOTH = `${SIBLING_APP}%2C${OTHER_APP}`;

interface AppItem {
  type: string;
  dataPoints: Array<{ start: string; end: string; values: Record<string, number> }>;
  dimensions: { apps: { data: { type: string; id: string }; links: Record<string, string> } };
}

let harness: Harness;
beforeAll(async () => {
  harness = await createHarness({ rateLimit: 0 });
  await seedSiblings(harness.store);
});
afterAll(async () => {
  await harness.close();
});

async function ok(query: string, path = PATH): Promise<PagedBody<AppItem>> {
  const response = await harness.get(`${path}?${query}`);
  expect(response.statusCode, response.body).toBe(200);
  const body = response.json<PagedBody<AppItem>>();
  expect(validateResponse(TEMPLATE, 200, body)).toEqual([]);
  return body;
}

const expected = (testerId: string, appId: string, days: number) => {
  const { crashCount, sessionCount, feedbackCount } = sumEvents(
    (event) => event.appId === appId && event.testerId === testerId && inLastDays(event, days),
  );
  return { crashCount, sessionCount, feedbackCount };
};

describe('200', () => {
  it.each([
    ['P7D', 7],
    ['P90D', 90],
    [undefined, 365],
  ])('gives one item per app over %s, summed as the events say', async (period, days) => {
    const body = await ok(`filter%5Bapps%5D=${BOTH}${period === undefined ? '' : `&period=${period}`}`);
    expect(body.data.map((item) => item.dimensions.apps.data)).toEqual([
      { type: 'apps', id: SIBLING_APP },
      { type: 'apps', id: OTHER_APP },
    ]);
    for (const item of body.data) {
      expect(item.type).toBe('betaTesterUsages');
      expect(item.dataPoints).toEqual([
        {
          start: new Date(Date.parse('2023-10-05') - days * 86_400_000).toISOString().slice(0, 10),
          end: '2023-10-05',
          values: expected('s1', item.dimensions.apps.data.id, days),
        },
      ]);
      expect(item.dimensions.apps.links).toEqual({
        related: `${APPLE_BASE_URL}/v1/apps/${item.dimensions.apps.data.id}`,
      });
    }
    expect(body.meta).toEqual({ paging: { total: 2, limit: 50 } });
    expect(body.links.self).toBe(
      `${APPLE_BASE_URL}${PATH}?filter%5Bapps%5D=${BOTH}${period === undefined ? '' : `&period=PT${days * 24}H`}`,
    );
  });

  it('leaves out apps the tester never installed and apps that do not exist', async () => {
    const body = await ok(
      `filter%5Bapps%5D=${OTHER_APP},nope`,
      '/v1/betaTesters/s3/metrics/betaTesterUsages',
    );
    expect(body.data).toEqual([]);
    expect(body.meta.paging.total).toBe(0);
  });

  it('pages through the apps with limit and links.next', async () => {
    const pages = await allPages<AppItem>(harness, `${PATH}?filter%5Bapps%5D=${BOTH}&limit=1`);
    expect(pages.map((page) => page.data.map((item) => item.dimensions.apps.data.id))).toEqual([
      [SIBLING_APP],
      [OTHER_APP],
    ]);
    expect(pages[0]?.links.next).toMatch(/\?cursor=[\w-]+\.[\w-]+&filter%5Bapps%5D=500%2C501&limit=1$/);
  });

  it("retires a kept answer when one of the filtered apps gets data, on the other app's write too", async () => {
    const query = `filter%5Bapps%5D=${BOTH}&period=P7D`;
    const before = await ok(query);
    await harness.store.appendUsageEvents([
      {
        id: 'late-1',
        appId: OTHER_APP,
        testerId: 's1',
        type: 'crash',
        occurredAt: '2023-10-05T08:00:00.000Z',
        receivedAt: '2023-10-05T08:00:00.000Z',
      },
    ]);
    const after = await ok(query);
    expect(after.data[1]?.dataPoints[0]?.values.crashCount).toBe(
      (before.data[1]?.dataPoints[0]?.values.crashCount ?? 0) + 1,
    );
  });
});

describe('400', () => {
  it('requires filter[apps]', async () => {
    expectErrors(await harness.get(`${PATH}?period=P7D`), 400, [
      {
        code: 'PARAMETER_ERROR.REQUIRED',
        title: 'A required parameter is missing',
        detail: "This endpoint requires the 'filter[apps]' parameter",
      },
    ]);
  });

  it('refuses groupBy and filter[betaTesters], which this operation does not declare, and bad values', async () => {
    expectErrors(
      await harness.get(`${PATH}?filter%5Bapps%5D=500&groupBy=apps&filter%5BbetaTesters%5D=s1&limit=x`),
      400,
      [illegal('groupBy'), illegal('filter[betaTesters]'), invalid('limit', 'x')],
    );
  });
});

describe('403 and 404', () => {
  it('404 for an unknown tester first, then 403 by role', async () => {
    const support = await harness.createKey('CUSTOMER_SUPPORT');
    expectErrors(await getAs(harness, support, '/v1/betaTesters/ghost/metrics/betaTesterUsages'), 404, [
      notFound('betaTesters', 'ghost'),
    ]);
    expectErrors(await getAs(harness, support, `${PATH}?filter%5Bapps%5D=500`), 403, [FORBIDDEN]);
  });
});
