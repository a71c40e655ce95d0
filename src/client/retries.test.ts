import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type AscStub,
  appleErrors,
  inTurn,
  notFound,
  RATE_LIMITED,
  type StubAnswer,
  startAscStub,
} from '../../test/support/asc-stub.js';
import { type ClientKey, clientKey } from '../../test/support/client-key.js';
import { AscApiError } from './asc-api-error.js';
import { createClient } from './create-client.js';
import type { ClientOptions, ClientWait } from './types.js';

let stub: AscStub;
let key: ClientKey;
let waits: ClientWait[];
beforeEach(async () => {
  stub = await startAscStub(() => ({ status: 500 }));
  key = clientKey();
  waits = [];
});
afterEach(async () => {
  await stub.close();
});

const clientOf = (options: Partial<ClientOptions> = {}) =>
  createClient({
    baseUrl: stub.url,
    keyId: key.keyId,
    issuerId: key.issuerId,
    privateKey: key.privateKeyPem,
    retry: { maxAttempts: 3, baseMs: 5, maxMs: 50 },
    onWait: (wait) => waits.push(wait),
    ...options,
  });

const item = (id: string, sessionCount: number) => ({
  type: 'appsBetaTesterUsages',
  dataPoints: [
    { start: '2023-09-28', end: '2023-10-05', values: { sessionCount, crashCount: 0, feedbackCount: 0 } },
  ],
  dimensions: { betaTesters: { data: { type: 'betaTesters', id } } },
});
const firstPage = (headers: Record<string, string> = {}): StubAnswer => ({
  status: 200,
  headers,
  body: {
    data: [item('t1', 1)],
    links: {
      self: 's',
      next: `${stub.url}/v1/apps/1/metrics/betaTesterUsages?cursor=AQ.x&groupBy=betaTesters`,
    },
    meta: { paging: { total: 2, limit: 1 } },
  },
});
const lastPage: StubAnswer = {
  status: 200,
  body: { data: [item('t2', 2)], links: { self: 's' }, meta: { paging: { total: 2, limit: 1 } } },
};
const rateLimited = (headers: Record<string, string> = {}): StubAnswer => ({
  status: 429,
  headers: { 'x-request-id': 'req-429', ...headers },
  body: appleErrors(429, RATE_LIMITED),
});

async function testerIds(options: Partial<ClientOptions> = {}): Promise<string[]> {
  const ids: string[] = [];
  for await (const row of clientOf(options).betaTesterUsages('1')) ids.push(row.testerId);
  return ids;
}
const failure = (options: Partial<ClientOptions> = {}) => testerIds(options).catch((error: unknown) => error);

describe('429', () => {
  it('with Retry-After in seconds: asks again, not before it', async () => {
    stub.respond = inTurn(firstPage(), rateLimited({ 'retry-after': '1' }), lastPage);

    expect(await testerIds()).toEqual(['t1', 't2']);
    const [, limited, retried] = stub.requests;
    expect(retried?.url).toBe(limited?.url);
    expect(retried?.receivedAt).toBeGreaterThanOrEqual((limited?.answeredAt ?? 0) + 1000);
    expect(waits).toEqual([{ reason: 'retry', delayMs: 1000, attempt: 1, status: 429 }]);
  });

  it('with Retry-After as an HTTP date: asks again, not before it', async () => {
    const header = new Date(Date.now() + 2000).toUTCString();
    stub.respond = inTurn(rateLimited({ 'retry-after': header }), firstPage(), lastPage);

    expect(await testerIds()).toEqual(['t1', 't2']);
    expect(stub.requests[1]?.receivedAt).toBeGreaterThanOrEqual(Date.parse(header));
  });

  it('without Retry-After: backs off exponentially with jitter, and goes on', async () => {
    stub.respond = inTurn(rateLimited(), rateLimited(), firstPage(), lastPage);

    expect(await testerIds()).toEqual(['t1', 't2']);
    expect(waits.map((wait) => [wait.reason, wait.status, wait.attempt])).toEqual([
      ['retry', 429, 1],
      ['retry', 429, 2],
    ]);
    // Full jitter below a ceiling that doubles: baseMs 5, then 10.
    expect(waits[0]?.delayMs).toBeLessThan(5);
    expect(waits[1]?.delayMs).toBeLessThan(10);
  });

  it('gives up after maxAttempts with an AscApiError carrying Apple’s error and the request id', async () => {
    stub.respond = inTurn(rateLimited());

    const error = await failure();

    expect(stub.requests).toHaveLength(3);
    expect(error).toBeInstanceOf(AscApiError);
    expect(error).toMatchObject({
      status: 429,
      code: 'RATE_LIMIT_EXCEEDED',
      title: RATE_LIMITED.title,
      detail: RATE_LIMITED.detail,
      requestId: 'req-429',
    });
  });
});

describe('5xx and network errors', () => {
  it('a 500 in the middle of the pages is retried and every tester comes once', async () => {
    const unexpected = { code: 'UNEXPECTED_ERROR', title: 'An unexpected error occurred', detail: 'boom' };
    stub.respond = inTurn(firstPage(), { status: 500, body: appleErrors(500, unexpected) }, lastPage);

    expect(await testerIds()).toEqual(['t1', 't2']);
    expect(stub.requests.map((request) => request.url)).toEqual([
      '/v1/apps/1/metrics/betaTesterUsages?limit=200&groupBy=betaTesters',
      '/v1/apps/1/metrics/betaTesterUsages?cursor=AQ.x&groupBy=betaTesters',
      '/v1/apps/1/metrics/betaTesterUsages?cursor=AQ.x&groupBy=betaTesters',
    ]);
  });

  it('a connection that hangs up is retried', async () => {
    stub.respond = inTurn({ hangUp: true }, firstPage(), lastPage);

    expect(await testerIds()).toEqual(['t1', 't2']);
    expect(waits.map((wait) => [wait.reason, wait.status])).toEqual([['retry', undefined]]);
  });

  it('a request that gets no answer in timeoutMs is retried', async () => {
    stub.respond = inTurn({ stall: true }, firstPage(), lastPage);

    expect(await testerIds({ timeoutMs: 300 })).toEqual(['t1', 't2']);
    expect(stub.requests).toHaveLength(3);
    expect(waits.map((wait) => [wait.reason, wait.status])).toEqual([['retry', undefined]]);
  });

  it('a 503 every time ends in an AscApiError after maxAttempts', async () => {
    stub.respond = inTurn({ status: 503, body: '<html>down</html>' });

    const error = await failure();

    expect(stub.requests).toHaveLength(3);
    expect(error).toMatchObject({ name: 'AscApiError', status: 503, code: 'UNEXPECTED_RESPONSE' });
  });

  it('no server at all ends in an AscApiError NETWORK_ERROR with status 0', async () => {
    const url = stub.url;
    await stub.close();

    const error = await failure({ baseUrl: url });

    expect(error).toMatchObject({ name: 'AscApiError', status: 0, code: 'NETWORK_ERROR' });
    expect((error as AscApiError).detail).toMatch(/^no answer after 3 attempts: .*\(ECONNREFUSED\)$/);
    expect(waits).toHaveLength(2);
  });
});

describe('errors that are final', () => {
  it('a 404 is not retried, and the AscApiError has every field', async () => {
    const errors = appleErrors(404, notFound('1'));
    stub.respond = inTurn({ status: 404, headers: { 'x-request-id': 'req-404' }, body: errors });

    const error = await failure();

    expect(stub.requests).toHaveLength(1);
    expect(error).toBeInstanceOf(AscApiError);
    expect(error).toMatchObject({
      status: 404,
      code: 'NOT_FOUND',
      title: 'The specified resource does not exist',
      detail: "There is no resource of type 'apps' with id '1'",
      requestId: 'req-404',
      errors: errors.errors,
      url: `${stub.url}/v1/apps/1/metrics/betaTesterUsages?limit=200&groupBy=betaTesters`,
    });
    expect((error as Error).message).toContain('req-404');
    expect((error as Error).message).not.toContain(stub.requests[0]?.authorization?.slice(7) ?? '?');
  });

  it('a 400 keeps all of Apple’s errors, with their sources', async () => {
    const invalid = (name: string, value: string) => ({
      code: 'PARAMETER_ERROR.INVALID',
      title: 'A parameter has an invalid value',
      detail: `'${value}' is not a valid value for the parameter '${name}'`,
      source: { parameter: name },
    });
    const body = appleErrors(400, invalid('period', 'P1D'), invalid('limit', '0'));
    stub.respond = inTurn({ status: 400, body });

    const error = await failure();

    expect(stub.requests).toHaveLength(1);
    expect(error).toMatchObject({ status: 400, code: 'PARAMETER_ERROR.INVALID', errors: body.errors });
    expect((error as AscApiError).errors.map((e) => e.source?.parameter)).toEqual(['period', 'limit']);
  });
});

describe('X-Rate-Limit', () => {
  it('below 5 % of the hourly budget left, spaces the next request by an hour / remaining', async () => {
    // 3,600 of 100,000 left: 3.6 %, so one request a second makes them last the hour.
    stub.respond = inTurn(
      firstPage({ 'x-rate-limit': 'user-hour-lim:100000;user-hour-rem:3600;' }),
      lastPage,
    );

    expect(await testerIds()).toEqual(['t1', 't2']);
    expect(waits).toHaveLength(1);
    expect(waits[0]).toMatchObject({ reason: 'rate-budget', budget: { limit: 100000, remaining: 3600 } });
    expect(waits[0]?.delayMs).toBeGreaterThan(0);
    expect(stub.requests[1]?.receivedAt).toBeGreaterThanOrEqual((stub.requests[0]?.answeredAt ?? 0) + 1000);
  });

  it.each([
    ['with 5 % left or more', 'user-hour-lim:3600;user-hour-rem:180;', {}],
    ['when pacing is off', 'user-hour-lim:100000;user-hour-rem:3600;', { paceBelow: 0 }],
  ])('does not wait %s', async (_case, header, options) => {
    stub.respond = inTurn(firstPage({ 'x-rate-limit': header }), lastPage);

    expect(await testerIds(options)).toEqual(['t1', 't2']);
    expect(waits).toEqual([]);
  });
});
