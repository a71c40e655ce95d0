import { describe, expect, it } from 'vitest';
import { type ExpectedError, expectErrors, NOT_AUTHORIZED } from '../../../test/support/api-responses.js';
import {
  at,
  freshIngestHarnessForEachTest,
  expectNothingStored,
  expectIngested,
  type IngestHarness,
  ndjson,
  postEvents,
  TITLES,
  usageEvent,
} from '../../../test/support/ingest.js';

let harness: IngestHarness;
freshIngestHarnessForEachTest((fresh) => {
  harness = fresh;
});

const expectNothingWritten = () => expectNothingStored(harness);

const entity = (detail: string, pointer?: string): ExpectedError => ({
  code: 'ENTITY_ERROR',
  title: TITLES.ENTITY,
  detail,
  ...(pointer !== undefined && { source: { pointer } }),
});

const KEY_REFUSED: ExpectedError = {
  code: 'NOT_AUTHORIZED',
  title: 'Authentication credentials are missing or invalid.',
  detail:
    "Provide the app's ingest key as 'Authorization: Bearer <key>'; an operator creates one with 'beta-metrics ingest-keys create --app <app id>'",
};

describe('400', () => {
  const ISO = 'is not an ISO 8601 instant with an offset, like 2023-10-05T12:00:00Z';
  const kinds: Array<[string, Record<string, unknown>, ExpectedError]> = [
    [
      'an unknown type',
      { type: 'launch' },
      at(
        'ENTITY_ERROR.ATTRIBUTE.INVALID',
        TITLES.INVALID,
        "'launch' is not an event type; use one of install, session, crash, feedback, publicLinkView, publicLinkAccept, publicLinkDecline, publicLinkCriteriaNotMet",
        '/events/1/type',
      ),
    ],
    [
      'an unknown tester',
      { testerId: 'nobody' },
      at(
        'ENTITY_ERROR.RELATIONSHIP.INVALID',
        TITLES.RELATIONSHIP,
        "There is no tester 'nobody' in app '100'; add them with 'beta-metrics testers add'",
        '/events/1/testerId',
      ),
    ],
    [
      'a tester of another app',
      { testerId: 'u1' },
      at(
        'ENTITY_ERROR.RELATIONSHIP.INVALID',
        TITLES.RELATIONSHIP,
        "There is no tester 'u1' in app '100'; add them with 'beta-metrics testers add'",
        '/events/1/testerId',
      ),
    ],
    [
      'a build the app does not have',
      { build: '999' },
      at(
        'ENTITY_ERROR.RELATIONSHIP.INVALID',
        TITLES.RELATIONSHIP,
        "There is no build '999' of app '100'; create it with 'beta-metrics builds create', or let events create builds with 'beta-metrics apps set 100 --allow-unknown-builds true'",
        '/events/1/build',
      ),
    ],
    [
      'an unknown field',
      { timeStamp: '2023-10-05T10:00:00Z' },
      at(
        'ENTITY_ERROR.ATTRIBUTE.UNKNOWN',
        TITLES.UNKNOWN,
        "The attribute 'timeStamp' is not part of a usage event",
        '/events/1/timeStamp',
      ),
    ],
    [
      'a timestamp without offset',
      { timestamp: '2023-10-05 10:00' },
      at(
        'ENTITY_ERROR.ATTRIBUTE.INVALID',
        TITLES.INVALID,
        `'2023-10-05 10:00' ${ISO}`,
        '/events/1/timestamp',
      ),
    ],
    [
      'a timestamp more than 24 h ahead',
      { timestamp: '2023-10-06T12:00:00.001Z' },
      at(
        'ENTITY_ERROR.ATTRIBUTE.INVALID',
        TITLES.INVALID,
        'The event is dated more than 24 hours in the future',
        '/events/1/timestamp',
      ),
    ],
    [
      'a timestamp older than the retention period',
      { timestamp: '2022-08-31T11:59:59.999Z' },
      at(
        'ENTITY_ERROR.ATTRIBUTE.INVALID',
        TITLES.INVALID,
        'The event is older than the retention period of 400 days',
        '/events/1/timestamp',
      ),
    ],
    [
      'an id too long',
      { id: 'x'.repeat(65) },
      at(
        'ENTITY_ERROR.ATTRIBUTE.INVALID',
        TITLES.INVALID,
        'An event id is a UUID or up to 64 letters, digits, ".", "_", ":" or "-"',
        '/events/1/id',
      ),
    ],
    [
      'a missing field',
      { testerId: undefined },
      at(
        'ENTITY_ERROR.ATTRIBUTE.REQUIRED',
        TITLES.REQUIRED,
        "You must provide a value for the attribute 'testerId' with this request",
        '/events/1/testerId',
      ),
    ],
    [
      'the wrong app for the key',
      { appId: '200', testerId: 'u1' },
      at(
        'ENTITY_ERROR.RELATIONSHIP.INVALID',
        TITLES.RELATIONSHIP,
        "This ingest key writes events of app '100' only, not of '200'",
        '/events/1/appId',
      ),
    ],
  ];

  it.each(kinds)(
    'refuses a whole batch with %s, pointing at it, and writes nothing',
    async (_kind, bad, error) => {
      const events = [usageEvent('good0'), usageEvent('bad1', bad), usageEvent('good2', { testerId: 't2' })];
      expectErrors(await postEvents(harness, { events }), 400, [error]);
      await expectNothingWritten();
      const [stats] = await harness.services.ingestion.stats();
      // The three events of the refused batch: none was stored; the bad one's reason is counted.
      expect(stats).toMatchObject({
        appId: '100',
        accepted: 0,
        duplicates: 0,
        rejected: 3,
        refusedBatches: 1,
      });
      expect(stats?.reasons.map((reason) => reason.count)).toEqual([1]);
    },
  );

  it('lists one error per problem, in batch order, across events', async () => {
    const events = [
      usageEvent('e0', { type: 'launch', foo: 1 }),
      usageEvent('e1'),
      usageEvent('e2', { timestamp: undefined }),
      usageEvent('e3', { testerId: 'nobody' }),
    ];
    const response = await postEvents(harness, { events });
    expect(response.statusCode).toBe(400);
    const items = response.json<{ errors: Array<{ code: string; source: { pointer: string } }> }>().errors;
    expect(items.map((item) => `${item.code} ${item.source.pointer}`)).toEqual([
      'ENTITY_ERROR.ATTRIBUTE.UNKNOWN /events/0/foo',
      'ENTITY_ERROR.ATTRIBUTE.INVALID /events/0/type',
      'ENTITY_ERROR.ATTRIBUTE.REQUIRED /events/2/timestamp',
      'ENTITY_ERROR.RELATIONSHIP.INVALID /events/3/testerId',
    ]);
    await expectNothingWritten();
  });

  it('refuses NDJSON with lines that are not JSON, naming each by line and event', async () => {
    const body = `${ndjson([usageEvent('e0')])}\n\n{"id": "e1",\n${ndjson([usageEvent('e2')])}\nnot json\n`;
    const response = await postEvents(harness, body, { headers: { 'content-type': 'application/x-ndjson' } });
    expectErrors(response, 400, [
      entity('Line 3 is not valid JSON', '/events/1'),
      entity('Line 5 is not valid JSON', '/events/3'),
    ]);
    await expectNothingWritten();
  });

  it.each([
    ['without an events array', { event: [usageEvent('e0')] }],
    ['whose events are not an array', { events: usageEvent('e0') }],
    ['that is a bare array', [usageEvent('e0')]],
  ])('refuses a body %s', async (_what, payload) => {
    expectErrors(await postEvents(harness, payload), 400, [
      entity("The body must be a JSON object with an 'events' array, or NDJSON events", '/events'),
    ]);
    await expectNothingWritten();
  });

  it('refuses a body that is not JSON, or not gzip when it says so', async () => {
    expectErrors(await postEvents(harness, '{"events": ['), 400, [
      entity('The request body is not valid JSON'),
    ]);
    const notGzip = await postEvents(harness, JSON.stringify({ events: [usageEvent('e0')] }), {
      headers: { 'content-encoding': 'gzip' },
    });
    expectErrors(notGzip, 400, [entity('The request body is not valid gzip data')]);
    await expectNothingWritten();
  });

  it('refuses a sentAt that is not an instant, in the body or the header', async () => {
    const error = at(
      'ENTITY_ERROR.ATTRIBUTE.INVALID',
      TITLES.INVALID,
      "'sentAt' must be an ISO 8601 instant with an offset, like 2023-10-05T12:00:00Z",
      '/sentAt',
    );
    expectErrors(await postEvents(harness, { sentAt: 'yesterday', events: [usageEvent('e0')] }), 400, [
      error,
    ]);
    const header = await postEvents(harness, ndjson([usageEvent('e0')]), {
      headers: { 'content-type': 'application/x-ndjson', 'x-sent-at': '2023-10-05T12:00:00' },
    });
    expectErrors(header, 400, [error]);
    await expectNothingWritten();
  });
});

describe('401', () => {
  it.each([
    ['no Authorization header', undefined],
    ['an unknown ingest key', 'Bearer bmi_thisKeyWasNeverCreated'],
    ['another scheme', 'Basic Zm9vOmJhcg=='],
  ])('refuses %s and writes nothing', async (_what, authorization) => {
    const response = await harness.app.inject({
      method: 'POST',
      url: '/ingest/v1/events',
      headers: { 'content-type': 'application/json', ...(authorization && { authorization }) },
      payload: JSON.stringify({ events: [usageEvent('e0')] }),
    });
    expectErrors(response, 401, [KEY_REFUSED]);
    await expectNothingWritten();
  });

  it('refuses a revoked key, which worked before', async () => {
    expectIngested(await postEvents(harness, { events: [usageEvent('e0')] }), 1, 0);
    await harness.services.ingestKeys.revoke(harness.keyId);
    expectErrors(await postEvents(harness, { events: [usageEvent('e1')] }), 401, [KEY_REFUSED]);
    expect((await harness.store.listUsageEvents('100', undefined, 10)).map((e) => e.id)).toEqual(['e0']);
  });

  it('refuses an API token in place of an ingest key', async () => {
    expectErrors(
      await postEvents(harness, { events: [usageEvent('e0')] }, { key: await harness.token() }),
      401,
      [KEY_REFUSED],
    );
    await expectNothingWritten();
  });

  it('refuses before looking at the body', async () => {
    const response = await postEvents(harness, '<events/>', {
      key: 'bmi_unknown',
      headers: { 'content-type': 'application/xml' },
    });
    expectErrors(response, 401, [KEY_REFUSED]);
  });

  it('lets an ingest key read nothing', async () => {
    const authorization = `Bearer ${harness.key}`;
    for (const url of [
      '/v1/apps',
      '/v1/apps/100/metrics/betaTesterUsages?groupBy=betaTesters',
      '/ingest/v1/stats',
    ]) {
      expectErrors(await harness.get(url, { authorization }), 401, [NOT_AUTHORIZED]);
    }
  });
});

describe('405', () => {
  it.each(['GET', 'PUT', 'DELETE'] as const)(
    'answers %s on the events resource with Allow: POST',
    async (method) => {
      const response = await harness.app.inject({
        method,
        url: '/ingest/v1/events',
        headers: { authorization: `Bearer ${harness.key}` },
      });
      expectErrors(response, 405, [
        {
          code: 'METHOD_NOT_ALLOWED',
          title: 'The request method is not allowed for this resource',
          detail: `The method '${method}' is not allowed for this resource; allowed: POST`,
        },
      ]);
      expect(response.headers.allow).toBe('POST');
    },
  );
});
