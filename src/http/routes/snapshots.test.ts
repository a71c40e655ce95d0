import type { LightMyRequestResponse } from 'fastify';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  type ExpectedError,
  expectErrors,
  FORBIDDEN,
  NOT_AUTHORIZED,
  PATH_ERROR,
} from '../../../test/support/api-responses.js';
import { createHarness, type Harness } from '../../../test/support/harness.js';
import type { CreatedApiKey } from '../../services/api-keys.js';

/**
 * The snapshot controls under /_beta-metrics/snapshots (docs/apple-behavior.md, §11): served only by
 * `serve --allow-faults`, only to ADMIN keys, errors in Apple's shape. The page cache across a restore is
 * snapshots-cache.test.ts.
 */

type Method = 'GET' | 'POST' | 'DELETE' | 'PUT' | 'PATCH';

/** A request with the admin's token, or `key`'s, or none (`token: null`). */
/** The key the controls take: ADMIN with the TESTING capability (set where the flag is on). */
let testingKey: CreatedApiKey | undefined;

async function send(
  harness: Harness,
  method: Method,
  url: string,
  options: { body?: unknown; key?: CreatedApiKey; token?: null } = {},
): Promise<LightMyRequestResponse> {
  const token = options.token === null ? undefined : await harness.token(options.key ?? testingKey);
  return harness.app.inject({
    method,
    url,
    headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
    ...(options.body !== undefined && { payload: options.body as Record<string, unknown> }),
  });
}

const CONTROLS: ReadonlyArray<{ method: Method; url: string; body?: unknown }> = [
  { method: 'GET', url: '/_beta-metrics/snapshots' },
  { method: 'POST', url: '/_beta-metrics/snapshots', body: { name: 'x' } },
  { method: 'POST', url: '/_beta-metrics/snapshots/x/restore' },
  { method: 'DELETE', url: '/_beta-metrics/snapshots/x' },
];

const snapshotNotFound = (name: string): ExpectedError => ({
  code: 'NOT_FOUND',
  title: 'The specified resource does not exist',
  detail: `There is no snapshot named '${name}'`,
});

const RULE = '1 to 64 letters (A-Z, a-z), digits, _ or -';

describe('without --allow-faults', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await createHarness();
  });
  afterAll(() => harness.close());

  it.each(CONTROLS)(
    '$method $url is an unknown path: 401 without a token, else 404 PATH_ERROR',
    async ({ method, url, body }) => {
      expectErrors(await send(harness, method, url, { body, token: null }), 401, [NOT_AUTHORIZED]);
      expectErrors(await send(harness, method, url, { body }), 404, [PATH_ERROR]);
      expect(await harness.services.snapshots.list()).toEqual([]);
    },
  );
});

describe('with --allow-faults', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await createHarness({ demo: true, allowFaults: true });
    testingKey = await harness.services.apiKeys.create({ name: 'suite', role: 'ADMIN', testing: true });
  });
  afterAll(() => harness.close());
  afterEach(async () => {
    for (const { name } of await harness.services.snapshots.list())
      await harness.services.snapshots.delete(name);
  });

  it.each(CONTROLS)(
    '$method $url answers 401 without a token and 403 to every key but ADMIN with TESTING',
    async ({ method, url, body }) => {
      await harness.services.snapshots.save({ name: 'x' });
      expectErrors(await send(harness, method, url, { body, token: null }), 401, [NOT_AUTHORIZED]);
      for (const role of ['ADMIN', 'APP_MANAGER', 'DEVELOPER', 'MARKETING', 'SALES']) {
        const key = await harness.createKey(role);
        expectErrors(await send(harness, method, url, { body, key }), 403, [FORBIDDEN]);
      }
      expect((await harness.services.snapshots.list()).map((snapshot) => snapshot.name)).toEqual(['x']);
    },
  );

  it('saves (201), lists, restores (200) and deletes (204) for an ADMIN key with TESTING', async () => {
    const saved = await send(harness, 'POST', '/_beta-metrics/snapshots', { body: { name: 'baseline' } });
    expect(saved.statusCode, saved.body).toBe(201);
    expect(saved.headers['content-type']).toBe('application/json');
    const savedAt = expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(saved.json()).toEqual({ data: { name: 'baseline', savedAt } });

    const listed = await send(harness, 'GET', '/_beta-metrics/snapshots');
    expect(listed.statusCode).toBe(200);
    expect(listed.json()).toEqual({ data: [{ name: 'baseline', savedAt: saved.json().data.savedAt }] });

    await harness.store.createApp({
      id: '9000000001',
      name: 'Made after',
      bundleId: 'com.example.after',
      sku: 'AFTER',
      primaryLocale: 'en-US',
      createdAt: '2023-10-05T00:00:00.000Z',
    });
    expect((await harness.get('/v1/apps/9000000001')).statusCode).toBe(200);
    const restored = await send(harness, 'POST', '/_beta-metrics/snapshots/baseline/restore');
    expect(restored.statusCode, restored.body).toBe(200);
    expect(restored.json()).toEqual({ data: saved.json().data });
    expect((await harness.get('/v1/apps/9000000001')).statusCode).toBe(404);

    const deleted = await send(harness, 'DELETE', '/_beta-metrics/snapshots/baseline');
    expect(deleted.statusCode).toBe(204);
    expect(deleted.body).toBe('');
    expect((await send(harness, 'GET', '/_beta-metrics/snapshots')).json()).toEqual({ data: [] });
  });

  it('refuses saving over a name unless "replace" is true (409 STATE_ERROR)', async () => {
    const body = { name: 'taken' };
    expect((await send(harness, 'POST', '/_beta-metrics/snapshots', { body })).statusCode).toBe(201);
    expectErrors(await send(harness, 'POST', '/_beta-metrics/snapshots', { body }), 409, [
      {
        code: 'STATE_ERROR',
        title: 'The request cannot be fulfilled because of the state of another resource.',
        detail: `A snapshot named 'taken' already exists; send "replace": true to replace it, or delete it first`,
      },
    ]);
    const replaced = await send(harness, 'POST', '/_beta-metrics/snapshots', {
      body: { name: 'taken', replace: true },
    });
    expect(replaced.statusCode, replaced.body).toBe(201);
  });

  it('answers 404 NOT_FOUND naming an unknown snapshot', async () => {
    expectErrors(await send(harness, 'POST', '/_beta-metrics/snapshots/never-saved/restore'), 404, [
      snapshotNotFound('never-saved'),
    ]);
    expectErrors(await send(harness, 'DELETE', '/_beta-metrics/snapshots/never-saved'), 404, [
      snapshotNotFound('never-saved'),
    ]);
  });

  it('answers 400 to a name that breaks the rule, in the body or the path', async () => {
    const long = 'a'.repeat(65);
    expectErrors(await send(harness, 'POST', '/_beta-metrics/snapshots', { body: { name: 'a.b' } }), 400, [
      {
        code: 'ENTITY_ERROR.ATTRIBUTE.INVALID',
        title: 'The provided entity includes an attribute with an invalid value',
        detail: `'a.b' is not a valid snapshot name; use ${RULE}`,
        source: { pointer: '/name' },
      },
    ]);
    for (const [method, url] of [
      ['POST', `/_beta-metrics/snapshots/${long}/restore`],
      ['DELETE', '/_beta-metrics/snapshots/a%20b'],
    ] as const) {
      const name = method === 'POST' ? long : 'a b';
      expectErrors(await send(harness, method, url), 400, [
        {
          code: 'PARAMETER_ERROR.INVALID',
          title: 'A parameter has an invalid value',
          detail: `'${name.length > 64 ? `${name.slice(0, 64)}…` : name}' is not a valid snapshot name; use ${RULE}`,
          source: { parameter: 'name' },
        },
      ]);
    }
  });

  it('answers 400 listing every problem of a save body', async () => {
    expectErrors(
      await send(harness, 'POST', '/_beta-metrics/snapshots', { body: { replace: 'yes', nme: 'x' } }),
      400,
      [
        {
          code: 'ENTITY_ERROR.ATTRIBUTE.REQUIRED',
          title: 'The provided entity is missing a required attribute',
          detail: "The snapshot's 'name' is required",
          source: { pointer: '/name' },
        },
        {
          code: 'ENTITY_ERROR.ATTRIBUTE.INVALID',
          title: 'The provided entity includes an attribute with an invalid value',
          detail: "'replace' must be true or false",
          source: { pointer: '/replace' },
        },
        {
          code: 'ENTITY_ERROR.ATTRIBUTE.UNKNOWN',
          title: 'The provided entity includes an unknown attribute',
          detail: "'nme' is not an attribute of a snapshot; send 'name' and, to replace one, 'replace'",
          source: { pointer: '/nme' },
        },
      ],
    );
    expectErrors(await send(harness, 'POST', '/_beta-metrics/snapshots', { body: [1] }), 400, [
      {
        code: 'ENTITY_ERROR',
        title: 'The request entity is not valid',
        detail: 'The body must be a JSON object: {"name": "<snapshot name>", "replace": false}',
      },
    ]);
    expect(await harness.services.snapshots.list()).toEqual([]);
  });

  it('answers 405 with Allow to the other methods', async () => {
    const cases = [
      ['PUT', '/_beta-metrics/snapshots', 'GET, HEAD, POST'],
      ['GET', '/_beta-metrics/snapshots/x', 'DELETE'],
      ['GET', '/_beta-metrics/snapshots/x/restore', 'POST'],
    ] as const;
    for (const [method, url, allow] of cases) {
      const response = await send(harness, method, url);
      expect(response.statusCode, `${method} ${url}`).toBe(405);
      expect(response.headers.allow).toBe(allow);
    }
  });
});
