import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  expectErrors,
  FORBIDDEN,
  getAs,
  illegal,
  invalid,
  notFound,
} from '../../../test/support/api-responses.js';
import { APPLE_BASE_URL, createHarness, type Harness } from '../../../test/support/harness.js';
import { validateResponse } from '../../../test/support/openapi-validator.js';
import {
  BUILD,
  GROUP,
  inLastDays,
  OTHER_BUILD,
  SIBLING_APP,
  seedSiblings,
  sumEvents,
} from '../../../test/support/sibling-data.js';

/**
 * GET /v1/builds/{id}/metrics/betaBuildUsages (docs/apple-behavior.md, §7 and §11): the events naming the build's
 * number over the year ending with the report date, and the testers the build is given to.
 */

const TEMPLATE = '/v1/builds/{id}/metrics/betaBuildUsages';
const PATH = `/v1/builds/${BUILD}/metrics/betaBuildUsages`;

interface BuildBody {
  data: Array<{
    type: string;
    dataPoints: Array<{ start: string; end: string; values: Record<string, number> }>;
  }>;
  links: { self: string; next?: string };
  meta: { paging: { total: number; limit: number } };
}

let harness: Harness;
beforeAll(async () => {
  harness = await createHarness({ rateLimit: 0 });
  await seedSiblings(harness.store);
});
afterAll(async () => {
  await harness.close();
});

async function ok(path: string): Promise<BuildBody> {
  const response = await harness.get(path);
  expect(response.statusCode, response.body).toBe(200);
  const body = response.json<BuildBody>();
  expect(validateResponse(TEMPLATE, 200, body)).toEqual([]);
  return body;
}

const yearOf = (appId: string, buildNumber: string) =>
  sumEvents((event) => event.appId === appId && event.build === buildNumber && inLastDays(event, 365));

describe('200', () => {
  it("sums the year's events of the build's number in its app, and counts its testers", async () => {
    const body = await ok(PATH);
    // g1's four members (s1, s3, s5, s6) and s4, given it individually; 2022-09-01's sessions are too old, the
    // other app's events of build number 7 are not this build's.
    expect(body).toEqual({
      data: [
        {
          type: 'betaBuildUsages',
          dataPoints: [
            {
              start: '2022-10-05',
              end: '2023-10-05',
              values: { ...yearOf(SIBLING_APP, '7'), inviteCount: 5 },
            },
          ],
        },
      ],
      links: { self: `${APPLE_BASE_URL}${PATH}` },
      meta: { paging: { total: 1, limit: 50 } },
    });
    expect(Object.keys(body.data[0]?.dataPoints[0]?.values ?? {})).toEqual([
      'crashCount',
      'installCount',
      'sessionCount',
      'feedbackCount',
      'inviteCount',
    ]);
    expect(yearOf(SIBLING_APP, '7')).toEqual({
      crashCount: 2,
      installCount: 3,
      sessionCount: 7,
      feedbackCount: 2,
    });
  });

  it('another build has its own numbers; limit is echoed', async () => {
    const body = await ok(`/v1/builds/${OTHER_BUILD}/metrics/betaBuildUsages?limit=3`);
    expect(body.data[0]?.dataPoints[0]?.values).toEqual({ ...yearOf(SIBLING_APP, '8'), inviteCount: 0 });
    expect(body.meta.paging).toEqual({ total: 1, limit: 3 });
    expect(body.links.self).toBe(
      `${APPLE_BASE_URL}/v1/builds/${OTHER_BUILD}/metrics/betaBuildUsages?limit=3`,
    );
  });

  it('a tester given the build, or a group getting it, shows at once', async () => {
    const invites = async (buildId: string) =>
      (await ok(`/v1/builds/${buildId}/metrics/betaBuildUsages`)).data[0]?.dataPoints[0]?.values.inviteCount;
    expect(await invites(OTHER_BUILD)).toBe(0);
    await harness.store.addIndividualTesters(OTHER_BUILD, ['s2']);
    expect(await invites(OTHER_BUILD)).toBe(1);
    await harness.store.addToBetaGroup(GROUP, { buildIds: [OTHER_BUILD] });
    expect(await invites(OTHER_BUILD)).toBe(5);
  });
});

describe('400, 403, 404', () => {
  it('declares limit only: period and cursor are illegal; a bad limit is invalid', async () => {
    expectErrors(await harness.get(`${PATH}?period=P7D&limit=-1&cursor=x`), 400, [
      illegal('period'),
      invalid('limit', '-1'),
      illegal('cursor'),
    ]);
  });

  it('404 for an unknown build first, then 403 by role', async () => {
    const sales = await harness.createKey('SALES');
    expectErrors(await getAs(harness, sales, '/v1/builds/nope/metrics/betaBuildUsages?period=x'), 404, [
      notFound('builds', 'nope'),
    ]);
    expectErrors(await getAs(harness, sales, PATH), 403, [FORBIDDEN]);
  });
});
