import { Writable } from 'node:stream';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APPLE_BASE_URL, createHarness, type Harness } from '../../test/support/harness.js';
import { inMemoryRateLimiter } from '../services/rate-limiter.js';
import { createApp } from '../main/create-app.js';
import { fixedBaseUrl } from './links.js';

// Authentication through HTTP (docs/apple-behavior.md, §4, §5): every refusal is Apple's one 401 body; the reason is
// in the log only, and the token never is. Roles and rate limits: access-control-limits.test.ts.

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const METRICS = '/v1/apps/6447306070/metrics/betaTesterUsages?groupBy=betaTesters';
const MINUTE = 60_000;

function expectNotAuthorized(response: LightMyRequestResponse, label = ''): void {
  expect(response.statusCode, label).toBe(401);
  expect(response.headers['content-type']).toBe('application/json');
  expect(response.json()).toEqual({
    errors: [
      {
        id: expect.stringMatching(UUID),
        status: '401',
        code: 'NOT_AUTHORIZED',
        title: 'Authentication credentials are missing or invalid.',
        detail:
          'Provide a properly configured and signed bearer token, and make sure that it has not expired. Learn more about Generating Tokens for API Requests https://developer.apple.com/go/?id=api-generating-tokens',
      },
    ],
  });
  expect(Object.keys(response.json().errors[0])).toEqual(['id', 'status', 'code', 'title', 'detail']);
  expect(response.headers['x-request-id']).toEqual(expect.any(String));
  expect(response.headers['x-rate-limit']).toBeUndefined();
}

let harness: Harness;
beforeAll(async () => {
  harness = await createHarness({ demo: true });
});
afterAll(() => harness.close());

/** Authorization headers the server must refuse, one per kind of failure, with the reason the log gives. */
async function refusedAuthorizations(): Promise<Array<[string, string | undefined, string]>> {
  const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const now = harness.clock.now();
  const expired = await harness.token(harness.admin, { now: new Date(now.getTime() - 30 * MINUTE) });
  const unknownKey = await harness.token({ ...harness.admin, keyId: 'ZZZZZZZZZZ' });
  const otherScope = await harness.token(harness.admin, { scope: ['GET /v1/betaTesters'] });
  const [head, payload] = (await harness.token()).split('.');
  const none = `${b64({ alg: 'none', kid: harness.admin.keyId, typ: 'JWT' })}.${payload}.`;
  return [
    ['no Authorization header', undefined, 'MISSING_TOKEN'],
    ['another scheme', 'Basic dXNlcjpwYXNz', 'MISSING_TOKEN'],
    ['a garbage token', 'Bearer x.y', 'MALFORMED_TOKEN'],
    ['an expired token', `Bearer ${expired}`, 'EXPIRED'],
    ['an unknown key', `Bearer ${unknownKey}`, 'UNKNOWN_KEY'],
    ['a scope for another request', `Bearer ${otherScope}`, 'SCOPE_MISMATCH'],
    ['alg none', `Bearer ${none}`, 'ALG_NOT_ALLOWED'],
    ['a signature cut off', `Bearer ${head}.${payload}.AAAA`, 'BAD_SIGNATURE'],
  ];
}

function send(app: FastifyInstance, url: string, authorization: string | undefined) {
  return app.inject({ method: 'GET', url, headers: authorization === undefined ? {} : { authorization } });
}

describe('401', () => {
  it('every kind of refusal answers Apple NOT_AUTHORIZED body, the same for all', async () => {
    for (const [label, authorization] of await refusedAuthorizations()) {
      expectNotAuthorized(await send(harness.app, METRICS, authorization), label);
    }
  });

  it('comes before the path check: an unknown path without a token is 401, not 404', async () => {
    expectNotAuthorized(await send(harness.app, '/v1/nothingHere', undefined));
    expect((await harness.get('/v1/nothingHere')).statusCode).toBe(404);
  });

  it('a key revoked while in use is refused on its next request, with the same token', async () => {
    const key = await harness.createKey('DEVELOPER');
    const token = await harness.token(key);
    expect((await send(harness.app, METRICS, `Bearer ${token}`)).statusCode).toBe(200);
    await harness.services.apiKeys.revoke(key.keyId);
    expectNotAuthorized(await send(harness.app, METRICS, `Bearer ${token}`));
  });
});

describe('the log', () => {
  let app: FastifyInstance;
  const lines: string[] = [];
  beforeAll(async () => {
    const destination = new Writable({
      write(chunk, _encoding, done) {
        lines.push(
          ...String(chunk)
            .split('\n')
            .filter((line) => line.length > 0),
        );
        done();
      },
    });
    app = createApp({
      services: harness.services,
      rateLimiter: inMemoryRateLimiter(3600, harness.clock),
      baseUrl: fixedBaseUrl(APPLE_BASE_URL),
      logger: pino({ level: 'info' }, destination),
    });
    await app.ready();
  });
  afterAll(() => app.close());

  const records = () => lines.map((line) => JSON.parse(line) as Record<string, unknown>);

  it('says why a token was refused, with the request id of the response', async () => {
    for (const [label, authorization, reason] of await refusedAuthorizations()) {
      const response = await send(app, METRICS, authorization);
      expectNotAuthorized(response, label);
      const requestId = response.headers['x-request-id'];
      const refusals = records().filter(
        (record) => record.requestId === requestId && 'authFailure' in record,
      );
      expect(refusals, label).toEqual([
        expect.objectContaining({ authFailure: reason, msg: 'token refused' }),
      ]);
    }
  });

  it("uses the client's X-Request-ID when it sends one", async () => {
    const response = await app.inject({
      method: 'GET',
      url: METRICS,
      headers: { 'x-request-id': 'client-request-42' },
    });
    expect(response.headers['x-request-id']).toBe('client-request-42');
    expect(records()).toContainEqual(
      expect.objectContaining({ requestId: 'client-request-42', authFailure: 'MISSING_TOKEN' }),
    );
  });

  it('never contains a token, refused or accepted, and neither does any response body', async () => {
    const sent: string[] = [];
    for (const [, authorization] of await refusedAuthorizations()) {
      if (authorization?.startsWith('Bearer ')) sent.push(authorization.slice('Bearer '.length));
    }
    const valid = await harness.token();
    sent.push(valid);
    const start = lines.length;
    const bodies: string[] = [];
    for (const token of sent) bodies.push((await send(app, METRICS, `Bearer ${token}`)).body);
    expect(bodies.at(-1)).toContain('"appsBetaTesterUsages"');

    const logged = lines.slice(start).join('\n');
    expect(lines.length - start).toBeGreaterThanOrEqual(sent.length);
    for (const token of sent) {
      for (const part of [token, ...token.split('.').filter((segment) => segment.length > 8)]) {
        expect(logged).not.toContain(part);
        for (const body of bodies) expect(body).not.toContain(part);
      }
    }
  });
});

describe('/healthz', () => {
  it('answers without a token, and spends no budget', async () => {
    const response = await harness.app.inject({ method: 'GET', url: '/healthz' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: 'ok' });
    expect(response.headers['x-rate-limit']).toBeUndefined();
  });
});
