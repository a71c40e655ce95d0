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
import { GROUP, OTHER_GROUP, SIBLING_APP, seedSiblings } from '../../../test/support/sibling-data.js';

/**
 * Public-link events through ingestion, and GET /v1/betaGroups/{id}/metrics/publicLinkUsages over them
 * (docs/apple-behavior.md, §7 and §11): counts over a year, ratios among the declines, the event rules.
 */

const TEMPLATE = '/v1/betaGroups/{id}/metrics/publicLinkUsages';
const PATH = `/v1/betaGroups/${GROUP}/metrics/publicLinkUsages`;
const NOW = '2023-10-05T12:00:00.000Z';

interface LinkBody {
  data: Array<{
    type: string;
    dataPoints: Array<{ start: string; end: string; values: Record<string, number> }>;
  }>;
  links: { self: string; next?: string };
  meta: { paging: { total: number; limit: number } };
}

let harness: Harness;
let key: string;
let serial = 0;
beforeAll(async () => {
  harness = await createHarness({ rateLimit: 0, wallTime: NOW, reportTime: NOW });
  await seedSiblings(harness.store);
  key = (await harness.services.ingestKeys.create(SIBLING_APP)).key;
});
afterAll(async () => {
  await harness.close();
});

function ingest(events: ReadonlyArray<Record<string, unknown>>) {
  return harness.app.inject({
    method: 'POST',
    url: '/ingest/v1/events',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    payload: JSON.stringify({
      events: events.map((event) => ({
        id: `pl-${serial++}`,
        appId: SIBLING_APP,
        groupId: GROUP,
        timestamp: '2023-10-04T09:00:00Z',
        ...event,
      })),
    }),
  });
}

async function values(path = PATH): Promise<Record<string, number>> {
  const response = await harness.get(path);
  expect(response.statusCode, response.body).toBe(200);
  const body = response.json<LinkBody>();
  expect(validateResponse(TEMPLATE, 200, body)).toEqual([]);
  return body.data[0]?.dataPoints[0]?.values ?? {};
}

describe('200', () => {
  it('answers zeros for a link nobody saw, in the live shape', async () => {
    const response = await harness.get(`${PATH}?limit=5`);
    const body = response.json<LinkBody>();
    expect(body).toEqual({
      data: [
        {
          type: 'betaPublicLinkUsages',
          dataPoints: [
            {
              start: '2022-10-05',
              end: '2023-10-05',
              values: {
                viewCount: 0,
                acceptedCount: 0,
                didNotAcceptCount: 0,
                didNotMeetCriteriaCount: 0,
                notRelevantRatio: 0,
                notClearRatio: 0,
                notInterestingRatio: 0,
              },
            },
          ],
        },
      ],
      links: { self: `${APPLE_BASE_URL}${PATH}?limit=5` },
      meta: { paging: { total: 1, limit: 5 } },
    });
    expect(validateResponse(TEMPLATE, 200, body)).toEqual([]);
  });

  it('counts what ingestion stored, once per event id, and retires the answer kept before', async () => {
    const batch = [
      { type: 'publicLinkView' },
      { type: 'publicLinkView', testerId: 'someone-not-a-tester' },
      { type: 'publicLinkView', testerId: 's1' },
      { type: 'publicLinkView', timestamp: '2022-09-30T10:00:00Z' },
      { type: 'publicLinkAccept' },
      { type: 'publicLinkDecline', reason: 'notRelevant' },
      { type: 'publicLinkDecline', reason: 'notInteresting' },
      { type: 'publicLinkDecline', reason: 'notInteresting' },
      { type: 'publicLinkDecline' },
      { type: 'publicLinkCriteriaNotMet' },
      { type: 'publicLinkView', groupId: OTHER_GROUP },
    ];
    const first = await ingest(batch);
    expect(first.json()).toEqual({ accepted: 11, duplicates: 0 });
    // The same ids again: duplicates, nothing counted twice.
    serial -= batch.length;
    expect((await ingest(batch)).json()).toEqual({ accepted: 0, duplicates: 11 });
    // The view dated 2022-09-30 lies outside the year; the other group's view is not this group's.
    expect(await values()).toEqual({
      viewCount: 3,
      acceptedCount: 1,
      didNotAcceptCount: 4,
      didNotMeetCriteriaCount: 1,
      notRelevantRatio: 0.25,
      notClearRatio: 0,
      notInterestingRatio: 0.5,
    });
    expect((await values(`/v1/betaGroups/${OTHER_GROUP}/metrics/publicLinkUsages`)).viewCount).toBe(1);
    await ingest([{ type: 'publicLinkDecline', reason: 'notClear' }]);
    expect(await values()).toMatchObject({ didNotAcceptCount: 5, notClearRatio: 0.2, notRelevantRatio: 0.2 });
    // Viewers are not testers: nobody new appears in the app's metrics.
    const app = await harness.get(`/v1/apps/${SIBLING_APP}/metrics/betaTesterUsages?groupBy=betaTesters`);
    expect(app.json<{ meta: { paging: { total: number } } }>().meta.paging.total).toBe(5);
  });
});

describe('ingestion rules of public-link events', () => {
  it.each<[string, Record<string, unknown>, string, string]>([
    [
      'without groupId',
      { type: 'publicLinkView', groupId: undefined },
      'ENTITY_ERROR.ATTRIBUTE.REQUIRED',
      'groupId',
    ],
    [
      'of another app’s or no group',
      { type: 'publicLinkView', groupId: 'nope' },
      'ENTITY_ERROR.RELATIONSHIP.INVALID',
      'groupId',
    ],
    [
      'with groupId on a session',
      { type: 'session', testerId: 's1' },
      'ENTITY_ERROR.ATTRIBUTE.INVALID',
      'groupId',
    ],
    [
      'with a reason on a view',
      { type: 'publicLinkView', reason: 'notClear' },
      'ENTITY_ERROR.ATTRIBUTE.INVALID',
      'reason',
    ],
    [
      'with an unknown reason',
      { type: 'publicLinkDecline', reason: 'tooLong' },
      'ENTITY_ERROR.ATTRIBUTE.INVALID',
      'reason',
    ],
  ])('refuses an event %s', async (_what, event, code, field) => {
    const response = await ingest([event]);
    expect(response.statusCode, response.body).toBe(400);
    expect(
      response.json<{ errors: Array<{ code: string; source?: { pointer?: string } }> }>().errors,
    ).toEqual([expect.objectContaining({ code, source: { pointer: `/events/0/${field}` } })]);
  });
});

describe('400, 403, 404', () => {
  it('declares limit only: period, cursor and anything else are illegal; a bad limit is invalid', async () => {
    expectErrors(await harness.get(`${PATH}?period=P7D&cursor=BQ.TGQPUQ&limit=201`), 400, [
      illegal('period'),
      illegal('cursor'),
      invalid('limit', '201'),
    ]);
  });

  it('404 for an unknown group before the role; 403 for a role that may not read TestFlight', async () => {
    const finance = await harness.createKey('FINANCE');
    expectErrors(await getAs(harness, finance, '/v1/betaGroups/nope/metrics/publicLinkUsages'), 404, [
      notFound('betaGroups', 'nope'),
    ]);
    expectErrors(await getAs(harness, finance, PATH), 403, [FORBIDDEN]);
  });
});
