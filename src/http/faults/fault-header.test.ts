import type { AddressInfo } from 'node:net';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cursorOf, type ErrorItemBody, UUID } from '../../../test/support/api-responses.js';
import { createHarness, type Harness } from '../../../test/support/harness.js';
import { validateSchema } from '../../../test/support/openapi-validator.js';
import { openRaw } from '../../../test/support/raw-http.js';
import type { CreatedApiKey } from '../../services/api-keys.js';

/** `X-Beta-Metrics-Fault` through HTTP (README, "Faults on demand"): who gets it, and what the answers are. */

const APP = '6447306070';
const METRICS = `/v1/apps/${APP}/metrics/betaTesterUsages?groupBy=betaTesters&limit=5`;
const FAULT = 'x-beta-metrics-fault';

let harness: Harness;
let testing: CreatedApiKey;
let testingDeveloper: CreatedApiKey;
beforeAll(async () => {
  harness = await createHarness({ demo: true, allowFaults: true });
  testing = await harness.services.apiKeys.create({ name: 'suite', role: 'ADMIN', testing: true });
  testingDeveloper = await harness.services.apiKeys.create({ name: 'dev', role: 'DEVELOPER', testing: true });
});
afterAll(() => harness.close());

async function get(url: string, key: CreatedApiKey, headers: Record<string, string> = {}) {
  return harness.app.inject({
    method: 'GET',
    url,
    headers: { authorization: `Bearer ${await harness.token(key)}`, ...headers },
  });
}

/** The answer without its per-answer parts (error ids, the request id, the budget left). */
function comparable(response: LightMyRequestResponse) {
  const { 'x-request-id': _id, 'x-rate-limit': _budget, date: _date, ...headers } = response.headers;
  const body = response.body.replace(new RegExp(UUID.source.slice(1, -1), 'g'), '<id>');
  return { status: response.statusCode, headers, body };
}

function errorItem(response: LightMyRequestResponse): ErrorItemBody {
  const body = response.json() as { errors: ErrorItemBody[] };
  expect(validateSchema('ErrorResponse', body)).toEqual([]);
  expect(body.errors).toHaveLength(1);
  return body.errors[0] as ErrorItemBody;
}

describe('who gets a fault', () => {
  it('a key with TESTING, on a server with --allow-faults', async () => {
    const response = await get(METRICS, testing, { [FAULT]: 'status=500' });
    expect(response.statusCode).toBe(500);
    expect(errorItem(response).code).toBe('UNEXPECTED_ERROR');
  });

  it('whatever its role', async () => {
    expect((await get(METRICS, testingDeveloper, { [FAULT]: 'status=503' })).statusCode).toBe(503);
  });

  it('not a key without TESTING: the answer is the one without the header', async () => {
    const plain = await get(METRICS, harness.admin);
    expect(plain.statusCode).toBe(200);
    for (const fault of ['status=500', 'latency=60000', 'cut-body', 'nonsense'])
      expect(comparable(await get(METRICS, harness.admin, { [FAULT]: fault })), fault).toEqual(
        comparable(plain),
      );
  });

  it('not on a server without --allow-faults, even for a key with TESTING', async () => {
    const plainServer = await createHarness({ demo: true });
    try {
      const key = await plainServer.services.apiKeys.create({ name: 'suite', role: 'ADMIN', testing: true });
      const token = await plainServer.token(key);
      const request = (headers: Record<string, string>) =>
        plainServer.app.inject({
          method: 'GET',
          url: METRICS,
          headers: { authorization: `Bearer ${token}`, ...headers },
        });
      const plain = await request({});
      expect(plain.statusCode).toBe(200);
      for (const fault of ['status=500', 'cut-body', 'nonsense'])
        expect(comparable(await request({ [FAULT]: fault })), fault).toEqual(comparable(plain));
    } finally {
      await plainServer.close();
    }
  });

  it('not on ingestion with an ingest key', async () => {
    const { key } = await harness.services.ingestKeys.create(APP);
    const post = (headers: Record<string, string>) =>
      harness.app.inject({
        method: 'POST',
        url: '/ingest/v1/events',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', ...headers },
        payload: { events: [] },
      });
    const plain = await post({});
    expect(plain.statusCode).toBe(200);
    expect(comparable(await post({ [FAULT]: 'status=500' }))).toEqual(comparable(plain));
  });

  it('a header it cannot read is a 400 naming it, for a key with TESTING', async () => {
    const response = await get(METRICS, testing, { [FAULT]: 'status=418' });
    expect(response.statusCode).toBe(400);
    const item = errorItem(response);
    expect(item).toMatchObject({
      code: 'PARAMETER_ERROR.INVALID',
      source: { parameter: 'X-Beta-Metrics-Fault' },
    });
    expect(item.detail).toContain('status must be one of');
  });

  it('not on routes without an operation: health, the dashboard', async () => {
    const health = await harness.app.inject({
      method: 'GET',
      url: '/healthz',
      headers: { [FAULT]: 'status=500' },
    });
    expect(health.statusCode).toBe(200);
  });
});

describe('forced statuses, each as the real failure is answered', () => {
  const cases: ReadonlyArray<[number, string]> = [
    [400, 'PARAMETER_ERROR.INVALID'],
    [401, 'NOT_AUTHORIZED'],
    [403, 'FORBIDDEN_ERROR'],
    [404, 'NOT_FOUND'],
    [409, 'STATE_ERROR'],
    [429, 'RATE_LIMIT_EXCEEDED'],
    [500, 'UNEXPECTED_ERROR'],
    [503, 'SERVICE_UNAVAILABLE'],
  ];
  for (const [status, code] of cases) {
    it(`${status} ${code}: Apple's ErrorResponse, application/json, X-Request-ID, X-Rate-Limit but on 401`, async () => {
      const response = await get(METRICS, testing, {
        [FAULT]: `status=${status}`,
        'x-request-id': `fault-${status}`,
      });
      expect(response.statusCode).toBe(status);
      const item = errorItem(response);
      expect(item).toMatchObject({ status: String(status), code });
      expect(item.id).toMatch(UUID);
      expect(response.headers['content-type']).toBe('application/json');
      expect(response.headers['x-request-id']).toBe(`fault-${status}`);
      if (status === 401) expect(response.headers['x-rate-limit']).toBeUndefined();
      else if (status === 429)
        expect(response.headers['x-rate-limit']).toBe('user-hour-lim:3600;user-hour-rem:0;');
      else expect(response.headers['x-rate-limit']).toMatch(/^user-hour-lim:3600;user-hour-rem:\d+;$/);
      if (status === 503) expect(response.headers['retry-after']).toBe('5');
    });
  }

  it('the same texts as the real answers', async () => {
    const bare = (response: LightMyRequestResponse) => {
      const { id: _id, ...rest } = errorItem(response);
      return rest;
    };
    const forced = (url: string, status: number) => get(url, testing, { [FAULT]: `status=${status}` });
    const expired = await harness.token(testing, {
      now: new Date(harness.clock.now().getTime() - 3_600_000),
    });
    const real401 = await harness.app.inject({
      method: 'GET',
      url: METRICS,
      headers: { authorization: `Bearer ${expired}` },
    });
    expect(bare(await forced(METRICS, 401))).toEqual(bare(real401));
    const sales = await harness.createKey('SALES');
    expect(bare(await forced(METRICS, 403))).toEqual(bare(await get(METRICS, sales)));
    const missing = '/v1/apps/1234567890/metrics/betaTesterUsages?groupBy=betaTesters';
    expect(bare(await forced(METRICS.replace(APP, '1234567890'), 404))).toEqual(
      bare(await get(missing, testing)),
    );
    expect(bare(await forced(METRICS, 400))).toEqual({
      status: '400',
      code: 'PARAMETER_ERROR.INVALID',
      title: 'A parameter has an invalid value',
      detail: "'betaTesters' is not a valid value for the parameter 'groupBy'",
      source: { parameter: 'groupBy' },
    });
    expect(bare(await forced(`/v1/betaTesters/${'x'}`, 404))).toMatchObject({
      detail: "There is no resource of type 'betaTesters' with id 'x'",
    });
  });

  it("429 on ingestion is ingestion's own, with Retry-After and no X-Rate-Limit", async () => {
    const { key } = await harness.services.ingestKeys.create(APP);
    const added = await harness.app.inject({
      method: 'POST',
      url: '/_beta-metrics/faults',
      headers: { authorization: `Bearer ${await harness.token(testing)}` },
      payload: { fault: { status: 429 }, match: { operation: 'ingestEvents_create' }, when: { times: 1 } },
    });
    expect(added.statusCode).toBe(201);
    const response = await harness.app.inject({
      method: 'POST',
      url: '/ingest/v1/events',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      payload: { events: [] },
    });
    expect(response.statusCode).toBe(429);
    expect(errorItem(response).detail).toContain('batches being written on this server');
    expect(response.headers['retry-after']).toBe('1');
    expect(response.headers['x-rate-limit']).toBeUndefined();
    expect(response.headers['access-control-allow-origin']).toBe('*');
  });
});

describe('a stale cursor', () => {
  it("answers the request's own cursor as Apple answers one that is no longer valid", async () => {
    const first = await get(METRICS, testing);
    const cursor = cursorOf((first.json() as { links: { next: string } }).links.next);
    const next = `${METRICS}&cursor=${cursor}`;
    expect((await get(next, testing)).statusCode).toBe(200);
    const response = await get(next, testing, { [FAULT]: 'stale-cursor' });
    expect(response.statusCode).toBe(400);
    const { id: _id, ...item } = errorItem(response);
    expect(item).toEqual({
      status: '400',
      code: 'PARAMETER_ERROR.INVALID',
      title: 'A parameter has an invalid value',
      detail: `'${cursor}' is not a valid cursor for this request`,
      source: { parameter: 'cursor' },
    });
    // The live answer to the same cursor under another query (docs/apple-behavior.md, §2).
    const { id: _realId, ...real } = errorItem(await get(`${next}&period=P7D`, testing));
    expect(item).toEqual(real);
  });

  it('leaves a request without a cursor alone', async () => {
    expect((await get(METRICS, testing, { [FAULT]: 'stale-cursor' })).statusCode).toBe(200);
  });
});

describe('on a listening server', () => {
  let port: number;
  beforeAll(async () => {
    await harness.app.listen({ port: 0, host: '127.0.0.1' });
    port = (harness.app.server.address() as AddressInfo).port;
  });

  it('latency: the answer comes no sooner than asked, and is the real one', async () => {
    const authorization = `Bearer ${await harness.token(testing)}`;
    const started = performance.now();
    const response = await fetch(`http://127.0.0.1:${port}${METRICS}`, {
      headers: { authorization, [FAULT]: 'latency=400' },
    });
    const elapsed = performance.now() - started;
    expect(response.status).toBe(200);
    expect(((await response.json()) as { data: unknown[] }).data).toHaveLength(5);
    expect(elapsed).toBeGreaterThanOrEqual(395);
  });

  it('cut body: the head with the whole Content-Length, fewer bytes than that, then the connection closes', async () => {
    const authorization = `Bearer ${await harness.token(testing)}`;
    const connection = await openRaw(port);
    connection.socket.write(
      `GET ${METRICS} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: ${authorization}\r\n${FAULT}: cut-body\r\n\r\n`,
    );
    const received = await connection.closed;
    const end = received.indexOf('\r\n\r\n');
    expect(received.slice(0, end)).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    const length = Number(/\r\ncontent-length: (\d+)\r\n/i.exec(received.slice(0, end + 2))?.[1]);
    const body = Buffer.byteLength(received.slice(end + 4), 'latin1');
    expect(length).toBeGreaterThan(1000);
    expect(body).toBe(Math.floor(length / 2));
    expect(received).toMatch(/\r\ncontent-type: application\/json\r\n/i);
    expect(received).toMatch(/\r\nx-request-id: /i);
  });

  it('cut body of a forced error: half of its body too', async () => {
    const authorization = `Bearer ${await harness.token(testing)}`;
    const connection = await openRaw(port);
    connection.socket.write(
      `GET ${METRICS} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: ${authorization}\r\n${FAULT}: status=503; cut-body\r\n\r\n`,
    );
    const received = await connection.closed;
    const end = received.indexOf('\r\n\r\n');
    expect(received).toMatch(/^HTTP\/1\.1 503 /);
    const length = Number(/\r\ncontent-length: (\d+)\r\n/i.exec(received.slice(0, end + 2))?.[1]);
    expect(Buffer.byteLength(received.slice(end + 4), 'latin1')).toBe(Math.floor(length / 2));
  });
});
