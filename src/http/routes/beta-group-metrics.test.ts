import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  allPages,
  expectErrors,
  FORBIDDEN,
  getAs,
  illegal,
  invalid,
  invalidCursor,
  localUrl,
  notFound,
  type PagedBody,
  REQUIRED,
  type UsageItem,
} from '../../../test/support/api-responses.js';
import { APPLE_BASE_URL, createHarness, type Harness } from '../../../test/support/harness.js';
import { validateResponse } from '../../../test/support/openapi-validator.js';
import {
  GROUP,
  inLastDays,
  OTHER_GROUP,
  SIBLING_APP,
  seedSiblings,
  sumEvents,
} from '../../../test/support/sibling-data.js';

/**
 * GET /v1/betaGroups/{id}/metrics/betaTesterUsages (docs/apple-behavior.md, §7): the app's report over the
 * group's members who installed the app, in the app's shape, rules and errors.
 */

const TEMPLATE = '/v1/betaGroups/{id}/metrics/betaTesterUsages';
const PATH = `/v1/betaGroups/${GROUP}/metrics/betaTesterUsages`;

let harness: Harness;
beforeAll(async () => {
  harness = await createHarness({ rateLimit: 0 });
  await seedSiblings(harness.store);
});
afterAll(async () => {
  await harness.close();
});

const get = (query: string) => harness.get(`${PATH}?${query}`);

async function ok(query: string): Promise<PagedBody<UsageItem>> {
  const response = await get(query);
  expect(response.statusCode, response.body).toBe(200);
  const body = response.json<PagedBody<UsageItem>>();
  expect(validateResponse(TEMPLATE, 200, body)).toEqual([]);
  return body;
}

/** What the group's member `testerId` sums to in its app over the last `days` days. */
const expected = (testerId: string, days: number) => {
  const { crashCount, sessionCount, feedbackCount } = sumEvents(
    (event) => event.appId === SIBLING_APP && event.testerId === testerId && inLastDays(event, days),
  );
  return { crashCount, sessionCount, feedbackCount };
};

describe('200', () => {
  it.each([
    ['P7D', 7],
    ['P30D', 30],
    ['P90D', 90],
    ['P365D', 365],
  ])("lists the members who installed the group's app, summed over %s", async (period, days) => {
    const body = await ok(`groupBy=betaTesters&period=${period}`);
    // s6 is a member who never installed; s2 and s4 installed but are not members.
    expect(body.data.map((item) => item.dimensions.betaTesters.data.id)).toEqual(['s1', 's3', 's5']);
    for (const item of body.data) {
      expect(item.type).toBe('appsBetaTesterUsages');
      expect(item.dataPoints).toEqual([
        {
          start: new Date(Date.parse('2023-10-05') - days * 86_400_000).toISOString().slice(0, 10),
          end: '2023-10-05',
          values: expected(item.dimensions.betaTesters.data.id, days),
        },
      ]);
    }
    expect(body.meta).toEqual({ paging: { total: 3, limit: 50 } });
  });

  it("links to the group's own report and to each tester", async () => {
    const body = await ok('period=P30D&groupBy=betaTesters&limit=2');
    expect(body.links.self).toBe(`${APPLE_BASE_URL}${PATH}?period=PT720H&groupBy=betaTesters&limit=2`);
    expect(body.links.next).toMatch(
      new RegExp(
        `^${APPLE_BASE_URL}${PATH}\\?cursor=[\\w-]+\\.[\\w-]+&period=PT720H&groupBy=betaTesters&limit=2$`,
      ),
    );
    expect(body.data[0]?.dimensions.betaTesters.links).toEqual({
      related: `${APPLE_BASE_URL}/v1/betaTesters/s1`,
      groupBy: `${APPLE_BASE_URL}${PATH}?groupBy=betaTesters`,
    });
  });

  it('pages through every member once, whatever the limit', async () => {
    for (const limit of [1, 2, 3]) {
      const pages = await allPages<UsageItem>(harness, `${PATH}?groupBy=betaTesters&limit=${limit}`);
      expect(pages.flatMap((page) => page.data.map((item) => item.dimensions.betaTesters.data.id))).toEqual([
        's1',
        's3',
        's5',
      ]);
      for (const page of pages) expect(validateResponse(TEMPLATE, 200, page)).toEqual([]);
    }
  });

  it('filter[betaTesters] narrows to a member; a tester outside the group gives an empty page', async () => {
    const one = await ok('filter%5BbetaTesters%5D=s3');
    expect(one.data.map((item) => item.dimensions.betaTesters.data.id)).toEqual(['s3']);
    const outside = await ok('filter%5BbetaTesters%5D=s2');
    expect(outside.data).toEqual([]);
    expect(outside.meta.paging.total).toBe(0);
  });

  it('a new member appears at once (the group answer kept before is retired)', async () => {
    const path = `/v1/betaGroups/${OTHER_GROUP}/metrics/betaTesterUsages?groupBy=betaTesters`;
    const ids = async () => {
      const response = await harness.get(path);
      return response.json<PagedBody<UsageItem>>().data.map((item) => item.dimensions.betaTesters.data.id);
    };
    expect(await ids()).toEqual(['s2']);
    await harness.store.addToBetaGroup(OTHER_GROUP, { testerIds: ['s4'] });
    expect(await ids()).toEqual(['s2', 's4']);
  });
});

describe('400', () => {
  it('requires groupBy or filter[betaTesters], as the app does', async () => {
    expectErrors(await get('limit=5'), 400, [REQUIRED]);
  });

  it('refuses parameters the operation does not declare, and bad values', async () => {
    expectErrors(await get('groupBy=betaTesters&include=betaTesters&period=P1D&limit=0'), 400, [
      illegal('include'),
      invalid('period', 'P1D'),
      invalid('limit', '0'),
    ]);
  });

  it("refuses the app's cursor: cursors are valid for the report that issued them", async () => {
    const app = await harness.get(
      `/v1/apps/${SIBLING_APP}/metrics/betaTesterUsages?groupBy=betaTesters&limit=1`,
    );
    const next = app.json<PagedBody<UsageItem>>().links.next ?? '';
    const cursor = new URL(next).searchParams.get('cursor') ?? '';
    expectErrors(
      await harness.get(localUrl(next).replace(`/v1/apps/${SIBLING_APP}/`, `/v1/betaGroups/${GROUP}/`)),
      400,
      [invalidCursor(cursor)],
    );
  });
});

describe('403 and 404', () => {
  it('answers 404 for an unknown group before the role and the parameters', async () => {
    const sales = await harness.createKey('SALES');
    expectErrors(await getAs(harness, sales, '/v1/betaGroups/nope/metrics/betaTesterUsages?foo=1'), 404, [
      notFound('betaGroups', 'nope'),
    ]);
    expectErrors(await getAs(harness, sales, `${PATH}?foo=1`), 403, [FORBIDDEN]);
    const marketing = await harness.createKey('MARKETING');
    expect((await getAs(harness, marketing, `${PATH}?groupBy=betaTesters`)).statusCode).toBe(200);
  });
});
