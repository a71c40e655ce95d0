import type { LightMyRequestResponse } from 'fastify';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ErrorItemBody } from '../../../test/support/api-responses.js';
import { createHarness, type Harness } from '../../../test/support/harness.js';
import { validateSchema } from '../../../test/support/openapi-validator.js';
import type { CreatedApiKey } from '../../services/api-keys.js';

/** The fault rules' routes, `/_beta-metrics/faults` (README, "Faults on demand"), and the rules in effect. */

const APP = '6447306070';
const METRICS = `/v1/apps/${APP}/metrics/betaTesterUsages?groupBy=betaTesters&limit=5`;
const FAULTS = '/_beta-metrics/faults';

let harness: Harness;
let testing: CreatedApiKey;
beforeAll(async () => {
  harness = await createHarness({ demo: true, allowFaults: { maxLatencyMs: 5_000 } });
  testing = await harness.services.apiKeys.create({ name: 'suite', role: 'ADMIN', testing: true });
});
afterAll(() => harness.close());
afterEach(async () => {
  expect((await control('DELETE', FAULTS)).statusCode).toBe(204);
});

async function control(
  method: 'GET' | 'POST' | 'DELETE' | 'PUT',
  url: string,
  payload?: unknown,
  key = testing,
) {
  return harness.app.inject({
    method,
    url,
    headers: { authorization: `Bearer ${await harness.token(key)}` },
    ...(payload !== undefined && { payload: payload as Record<string, unknown> }),
  });
}

async function addRule(rule: unknown): Promise<{ id: string }> {
  const response = await control('POST', FAULTS, rule);
  expect(response.statusCode, response.body).toBe(201);
  return (response.json() as { data: { id: string } }).data;
}

async function statuses(url: string, times: number, key: CreatedApiKey = harness.admin): Promise<number[]> {
  const answers: number[] = [];
  for (let n = 0; n < times; n++) {
    const authorization = `Bearer ${await harness.token(key)}`;
    answers.push((await harness.app.inject({ method: 'GET', url, headers: { authorization } })).statusCode);
  }
  return answers;
}

function errors(response: LightMyRequestResponse): ErrorItemBody[] {
  const body = response.json() as { errors: ErrorItemBody[] };
  expect(validateSchema('ErrorResponse', body)).toEqual([]);
  return body.errors;
}

describe('rules in effect', () => {
  it('nth: the 1st and 2nd requests pass, the 3rd is faulted, the 4th passes', async () => {
    await addRule({
      fault: { status: 429 },
      match: { operation: 'apps_betaTesterUsages_getMetrics' },
      when: { nth: 3 },
    });
    expect(await statuses(METRICS, 2)).toEqual([200, 200]);
    // Another operation is not counted.
    expect(await statuses('/v1/apps', 1)).toEqual([200]);
    expect(await statuses(METRICS, 2)).toEqual([429, 200]);
  });

  it('probability with a seed: the same sequence twice', async () => {
    const run = async () => {
      await addRule({ fault: { status: 500 }, when: { probability: 0.5, seed: 42 } });
      const sequence = await statuses('/v1/apps', 16);
      expect((await control('DELETE', FAULTS)).statusCode).toBe(204);
      return sequence;
    };
    const first = await run();
    expect(first).toContain(500);
    expect(first).toContain(200);
    expect(await run()).toEqual(first);
  });

  it("forSeconds: faults until the harness's clock has moved past it", async () => {
    await addRule({ fault: { status: 503 }, when: { forSeconds: 30 } });
    expect(await statuses('/v1/apps', 1)).toEqual([503]);
    harness.clock.advance(31_000);
    expect(await statuses('/v1/apps', 1)).toEqual([200]);
    const [rule] = (await control('GET', FAULTS)).json().data as Array<{ active: boolean; fired: number }>;
    expect(rule).toMatchObject({ active: false, fired: 1 });
  });

  it('scoped by key: another key passes', async () => {
    const other = await harness.createKey('DEVELOPER');
    await addRule({ fault: { status: 403 }, match: { keyId: other.keyId } });
    expect(await statuses('/v1/apps', 1)).toEqual([200]);
    expect(await statuses('/v1/apps', 1, other)).toEqual([403]);
  });

  it('scoped by operation, method and path', async () => {
    await addRule({
      fault: { status: 404 },
      match: { operation: 'apps_getInstance', method: 'GET', path: `/v1/apps/${APP}` },
    });
    expect(await statuses(`/v1/apps/${APP}`, 1)).toEqual([404]);
    expect(await statuses('/v1/apps/1', 1)).toEqual([404]); // no such app: the real 404
    expect(await statuses('/v1/apps', 1)).toEqual([200]);
    const [rule] = (await control('GET', FAULTS)).json().data as Array<{ matched: number; fired: number }>;
    expect(rule).toMatchObject({ matched: 1, fired: 1 });
  });

  it('a stale cursor by rule: the next page is refused', async () => {
    await addRule({ fault: { staleCursor: true }, match: { operation: 'apps_betaTesterUsages_getMetrics' } });
    const first = await harness.get(METRICS);
    expect(first.statusCode).toBe(200);
    const next = (first.json() as { links: { next: string } }).links.next;
    const response = await harness.get(next.replace('https://api.appstoreconnect.apple.com', ''));
    expect(response.statusCode).toBe(400);
    expect(errors(response)[0]?.source).toEqual({ parameter: 'cursor' });
  });

  it('the header of a TESTING key comes before the rules', async () => {
    await addRule({ fault: { status: 500 } });
    const authorization = `Bearer ${await harness.token(testing)}`;
    const response = await harness.app.inject({
      method: 'GET',
      url: '/v1/apps',
      headers: { authorization, 'x-beta-metrics-fault': 'status=409' },
    });
    expect(response.statusCode).toBe(409);
  });
});

describe('the routes', () => {
  it('list the rules with their ids and how many times each matched and fired', async () => {
    const a = await addRule({
      fault: { status: 500 },
      match: { operation: 'apps_getCollection' },
      when: { times: 1 },
    });
    const b = await addRule({
      fault: { latencyMs: 1, cutBody: true },
      match: { operation: 'betaTesters_getCollection' },
    });
    await statuses('/v1/apps', 3);
    const listed = await control('GET', FAULTS);
    expect(listed.statusCode).toBe(200);
    expect(listed.headers['content-type']).toBe('application/json');
    expect(listed.json()).toEqual({
      data: [
        {
          id: a.id,
          fault: { status: 500 },
          match: { operation: 'apps_getCollection' },
          when: { times: 1 },
          createdAt: expect.any(String),
          expiresAt: null,
          matched: 1,
          fired: 1,
          active: false,
        },
        expect.objectContaining({ id: b.id, matched: 0, fired: 0, active: true, when: {} }),
      ],
    });
    expect((await control('GET', `${FAULTS}/${b.id}`)).json().data.id).toBe(b.id);
  });

  it('delete one, then clear all in one call', async () => {
    const a = await addRule({ fault: { status: 500 } });
    const b = await addRule({ fault: { status: 503 } });
    await addRule({ fault: { status: 429 } });
    expect((await control('DELETE', `${FAULTS}/${a.id}`)).statusCode).toBe(204);
    const gone = await control('DELETE', `${FAULTS}/${a.id}`);
    expect(gone.statusCode).toBe(404);
    expect(errors(gone)[0]?.detail).toBe(`There is no resource of type 'faultRules' with id '${a.id}'`);
    expect((await control('GET', FAULTS)).json().data.map((rule: { id: string }) => rule.id)[0]).toBe(b.id);
    expect((await control('DELETE', FAULTS)).statusCode).toBe(204);
    expect((await control('GET', FAULTS)).json()).toEqual({ data: [] });
    expect(await statuses('/v1/apps', 1)).toEqual([200]);
  });

  it('refuse a rule that breaks the rules, listing every problem with its pointer', async () => {
    const response = await control('POST', FAULTS, {
      fault: { status: 418, latencyMs: 5_001 },
      match: { operation: 'apps_getEverything' },
      when: { nth: 2, times: 3, seed: 4 },
    });
    expect(response.statusCode).toBe(400);
    expect(errors(response).map((item) => [item.code, item.source])).toEqual([
      ['ENTITY_ERROR.ATTRIBUTE.INVALID', { pointer: '/fault/status' }],
      ['ENTITY_ERROR.ATTRIBUTE.INVALID', { pointer: '/fault/latencyMs' }],
      ['ENTITY_ERROR.ATTRIBUTE.INVALID', { pointer: '/match/operation' }],
      ['ENTITY_ERROR.ATTRIBUTE.INVALID', { pointer: '/when/seed' }],
      ['ENTITY_ERROR.ATTRIBUTE.INVALID', { pointer: '/when/nth' }],
    ]);
    expect(errors(response)[2]?.detail).toContain('apps_betaTesterUsages_getMetrics');
    const shape = await control('POST', FAULTS, {
      fault: { status: '429', colour: 'red' },
      when: { probability: 2 },
    });
    expect(errors(shape).map((item) => [item.code, item.source])).toEqual([
      ['ENTITY_ERROR.ATTRIBUTE.UNKNOWN', { pointer: '/fault/colour' }],
      ['ENTITY_ERROR.ATTRIBUTE.INVALID', { pointer: '/fault/status' }],
      ['ENTITY_ERROR.ATTRIBUTE.INVALID', { pointer: '/when/probability' }],
    ]);
    const missing = await control('POST', FAULTS, { match: {} });
    expect(errors(missing).map((item) => [item.code, item.source])).toEqual([
      ['ENTITY_ERROR.ATTRIBUTE.REQUIRED', { pointer: '/fault' }],
    ]);
    expect(errors(await control('POST', FAULTS, { fault: {} }))[0]?.detail).toContain('a fault needs');
    expect(errors(await control('POST', FAULTS, [1]))[0]?.code).toBe('ENTITY_ERROR');
    expect((await control('GET', FAULTS)).json()).toEqual({ data: [] });
  });

  it('answer 405 for other methods, with Allow', async () => {
    const response = await control('PUT', FAULTS, {});
    expect(response.statusCode).toBe(405);
    expect(response.headers.allow).toBe('GET, HEAD, POST, DELETE');
  });

  it('refuse keys without TESTING or without ADMIN: 403', async () => {
    const developer = await harness.services.apiKeys.create({
      name: 'dev',
      role: 'DEVELOPER',
      testing: true,
    });
    for (const key of [harness.admin, developer]) {
      for (const method of ['GET', 'POST', 'DELETE'] as const) {
        const response = await control(
          method,
          FAULTS,
          method === 'POST' ? { fault: { status: 500 } } : undefined,
          key,
        );
        expect(response.statusCode, `${key.role} ${method}`).toBe(403);
        expect(errors(response)[0]?.code).toBe('FORBIDDEN_ERROR');
      }
    }
    expect((await control('GET', FAULTS)).json()).toEqual({ data: [] });
  });

  it('are never rate limited nor faulted themselves', async () => {
    await addRule({ fault: { status: 500 } });
    const first = await control('GET', FAULTS);
    const second = await control('GET', FAULTS);
    expect(second.statusCode).toBe(200);
    expect(second.headers['x-rate-limit']).toMatch(/^user-hour-lim:3600;/);
    expect(second.headers['x-rate-limit']).toBe(first.headers['x-rate-limit']);
  });
});

describe('without --allow-faults', () => {
  it('the paths are unknown ones: 404 PATH_ERROR after authentication, 401 before', async () => {
    const plain = await createHarness({ demo: true });
    try {
      const key = await plain.services.apiKeys.create({ name: 'suite', role: 'ADMIN', testing: true });
      const authorization = `Bearer ${await plain.token(key)}`;
      const unknown = await plain.app.inject({
        method: 'GET',
        url: '/_beta-metrics/nothing',
        headers: { authorization },
      });
      for (const [method, url] of [
        ['GET', FAULTS],
        ['POST', FAULTS],
        ['DELETE', FAULTS],
        ['DELETE', `${FAULTS}/x`],
        ['PUT', FAULTS],
      ] as const) {
        const response = await plain.app.inject({ method, url, headers: { authorization } });
        expect(response.statusCode, `${method} ${url}`).toBe(404);
        expect(errors(response)[0]).toMatchObject({ code: 'PATH_ERROR', detail: errors(unknown)[0]?.detail });
        expect(response.headers['x-rate-limit']).toBe(unknown.headers['x-rate-limit']);
      }
      expect((await plain.app.inject({ method: 'GET', url: FAULTS })).statusCode).toBe(401);
    } finally {
      await plain.close();
    }
  });
});
