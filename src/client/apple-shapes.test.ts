import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type AscStub, inTurn, startAscStub } from '../../test/support/asc-stub.js';
import { type ClientKey, clientKey } from '../../test/support/client-key.js';
import { documentedShape, pageExamples, pathAndQuery } from '../../test/support/page-bodies.js';
import { AscApiError } from './asc-api-error.js';
import { createClient } from './create-client.js';
import { onBaseUrl } from './every-page.js';
import type { BetaTesterUsage } from './types.js';

const [FIRST, SECOND] = pageExamples();
if (FIRST === undefined || SECOND === undefined) throw new Error('the page has two examples');

// The values of the page's examples, written out: the client must read them from either shape.
const day = { start: '2022-10-05', end: '2023-10-05' };
const PAGE_ROWS: BetaTesterUsage[] = [
  {
    testerId: '8fa019c6-a92a-4563-ab06-577daa03c5d1',
    sessionCount: 21,
    crashCount: 0,
    feedbackCount: 1,
    ...day,
  },
  {
    testerId: '98a05411-af84-40bf-919a-dc32c75e9e32',
    sessionCount: 5,
    crashCount: 5,
    feedbackCount: 0,
    ...day,
  },
  {
    testerId: '993a21fd-980c-4ae3-9767-0eb50095f70e',
    sessionCount: 2,
    crashCount: 1,
    feedbackCount: 1,
    ...day,
  },
  {
    testerId: '9988d713-a315-45ae-9147-1fe119b9eea9',
    sessionCount: 16,
    crashCount: 4,
    feedbackCount: 4,
    ...day,
  },
  {
    testerId: '99e5ee74-39c3-4f52-86be-041c0fee2c6f',
    sessionCount: 200,
    crashCount: 0,
    feedbackCount: 10,
    ...day,
  },
];
const SECOND_ROW: BetaTesterUsage = {
  testerId: 'cd082742-b2ec-4e63-b63f-6732f3e7abdd',
  sessionCount: 16,
  crashCount: 4,
  feedbackCount: 0,
  ...day,
};

let stub: AscStub;
let key: ClientKey;
beforeEach(async () => {
  stub = await startAscStub(() => ({ status: 500 }));
  key = clientKey();
});
afterEach(async () => {
  await stub.close();
});

const clientOf = () =>
  createClient({
    baseUrl: stub.url,
    keyId: key.keyId,
    issuerId: key.issuerId,
    privateKey: key.privateKeyPem,
  });

async function all<T>(rows: AsyncIterable<T>): Promise<T[]> {
  const seen: T[] = [];
  for await (const row of rows) seen.push(row);
  return seen;
}

describe("Apple's live shapes, from the page", () => {
  it('sends the first example request, follows its next link on its own server, and reads every page', async () => {
    stub.respond = inTurn({ status: 200, body: FIRST.body }, { status: 200, body: SECOND.body });

    const rows = await all(clientOf().betaTesterUsages('6447306070', { period: 'P365D', limit: 5 }));

    expect(rows).toEqual([...PAGE_ROWS, SECOND_ROW]);
    // The page's next link names api.appstoreconnect.apple.com: the token stays with the stub.
    expect(stub.requests.map((request) => request.url)).toEqual([
      pathAndQuery(FIRST.request),
      '/v1/apps/6447306070/metrics/betaTesterUsages?cursor=BQ.TGQPUQ&period=PT8760H&limit=5&groupBy=betaTesters',
    ]);
  });

  it('reads the second example (typographic quotes on the page) for one tester, with filter[betaTesters]', async () => {
    stub.respond = inTurn({ status: 200, body: SECOND.body });

    const rows = await all(clientOf().betaTesterUsages('6448250830', { testerId: SECOND_ROW.testerId }));

    expect(rows).toEqual([SECOND_ROW]);
    const url = stub.requests[0]?.url ?? '';
    expect(url.startsWith('/v1/apps/6448250830/metrics/betaTesterUsages?')).toBe(true);
    expect(url).toContain(`filter%5BbetaTesters%5D=${SECOND_ROW.testerId}`);
    expect(url).not.toContain('groupBy');
  });
});

describe("the spec's documented shapes", () => {
  it('reads dataPoints as an object, the tester as a plain id and date-times, into the same rows', async () => {
    const documented = documentedShape(FIRST.body);
    expect(documented).not.toContain('"type"');
    stub.respond = inTurn(
      { status: 200, body: documented },
      { status: 200, body: documentedShape(SECOND.body) },
    );

    const rows = await all(clientOf().betaTesterUsages('6447306070', { period: 'P365D', limit: 5 }));

    expect(rows).toEqual([...PAGE_ROWS, SECOND_ROW]);
  });

  it('turns a date-time with an offset into its UTC day', async () => {
    const body = {
      data: [
        {
          dataPoints: [
            { start: '2022-10-04T20:00:00-07:00', end: '2023-10-05', values: { sessionCount: 3 } },
            {
              start: '2023-01-01',
              end: '2023-10-05T23:30:00+02:00',
              values: { sessionCount: 4, crashCount: 1 },
            },
          ],
          dimensions: { betaTesters: { data: 't1' } },
        },
      ],
      links: { self: `${stub.url}/v1/apps/1/metrics/betaTesterUsages` },
    };
    stub.respond = inTurn({ status: 200, body });

    const rows = await all(clientOf().betaTesterUsages('1'));

    expect(rows).toEqual([
      {
        testerId: 't1',
        sessionCount: 7,
        crashCount: 1,
        feedbackCount: 0,
        start: '2022-10-05',
        end: '2023-10-05',
      },
    ]);
  });
});

describe('betaTesters', () => {
  it("lists an app's testers over every page, with null for the attributes left out", async () => {
    const tester = (id: string, attributes: object) => ({ type: 'betaTesters', id, attributes, links: {} });
    stub.respond = inTurn(
      {
        status: 200,
        body: {
          data: [
            tester('a', {
              firstName: 'Ada',
              lastName: 'Lovelace',
              email: 'ada@example.com',
              state: 'INSTALLED',
              inviteType: 'EMAIL',
            }),
            tester('b', { email: 'b@example.com' }),
          ],
          links: {
            self: 'x',
            next: 'https://api.appstoreconnect.apple.com/v1/betaTesters?cursor=Ag.AAAA&filter%5Bapps%5D=42',
          },
          meta: { paging: { total: 3, limit: 2 } },
        },
      },
      {
        status: 200,
        body: { data: [tester('c', {})], links: { self: 'y' }, meta: { paging: { total: 3, limit: 2 } } },
      },
    );

    const testers = await all(clientOf().betaTesters({ appId: '42' }));

    expect(testers).toEqual([
      {
        id: 'a',
        firstName: 'Ada',
        lastName: 'Lovelace',
        email: 'ada@example.com',
        state: 'INSTALLED',
        inviteType: 'EMAIL',
      },
      { id: 'b', firstName: null, lastName: null, email: 'b@example.com', state: null, inviteType: null },
      { id: 'c', firstName: null, lastName: null, email: null, state: null, inviteType: null },
    ]);
    expect(stub.requests.map((request) => request.url)).toEqual([
      '/v1/betaTesters?filter%5Bapps%5D=42&limit=200',
      '/v1/betaTesters?cursor=Ag.AAAA&filter%5Bapps%5D=42',
    ]);
  });
});

describe('answers that are not the API’s', () => {
  it('a 200 that is not JSON is an AscApiError UNEXPECTED_RESPONSE', async () => {
    stub.respond = inTurn({
      status: 200,
      headers: { 'content-type': 'text/html' },
      body: '<html>Sign in</html>',
    });

    const error = await all(clientOf().betaTesterUsages('1')).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(AscApiError);
    expect(error).toMatchObject({ status: 200, code: 'UNEXPECTED_RESPONSE' });
  });

  it('a JSON body without data is an AscApiError UNEXPECTED_RESPONSE', async () => {
    stub.respond = inTurn({ status: 200, body: { hello: 'world' } });

    const error = await all(clientOf().betaTesterUsages('1')).catch((caught: unknown) => caught);

    expect(error).toMatchObject({ name: 'AscApiError', status: 200, code: 'UNEXPECTED_RESPONSE' });
  });
});

describe('onBaseUrl', () => {
  it.each([
    ['http://127.0.0.1:8080/v1/x?cursor=a', 'http://127.0.0.1:8080', 'http://127.0.0.1:8080/v1/x?cursor=a'],
    ['https://api.appstoreconnect.apple.com/v1/x?a=1', 'http://127.0.0.1:9', 'http://127.0.0.1:9/v1/x?a=1'],
    ['http://internal:8080/v1/x?a=1', 'https://gw.example.com/asc', 'https://gw.example.com/asc/v1/x?a=1'],
    ['http://internal:8080/asc/v1/x', 'https://gw.example.com/asc/', 'https://gw.example.com/asc/v1/x'],
  ])('%s on %s is %s', (link, base, expected) => {
    expect(onBaseUrl(link, base)).toBe(expected);
  });
});
