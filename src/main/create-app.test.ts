import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  expectErrors,
  getWithoutToken,
  NOT_AUTHORIZED,
  PATH_ERROR,
  UUID,
} from '../../test/support/api-responses.js';
import { APPLE_BASE_URL, createHarness, type Harness, seedApp } from '../../test/support/harness.js';
import { pollUntil } from '../../test/support/poll-until.js';
import { fixedBaseUrl } from '../http/links.js';
import { specWrites } from '../http/resources/spec-writes.js';
import { createApp, MAX_BODY_BYTES } from './create-app.js';

/** What the application does around every route: paths, methods, request ids, content type, failures. */

let harness: Harness;
beforeEach(async () => {
  harness = await createHarness();
  await seedApp(harness.store, '100', [{ id: 'a' }]);
});
afterEach(async () => {
  await harness.close();
});

const METRICS = '/v1/apps/100/metrics/betaTesterUsages?groupBy=betaTesters';
const RESOURCES = ['/v1/apps', '/v1/apps/100', '/v1/betaTesters', '/v1/betaTesters/a', METRICS];
const authorized = async () => ({ authorization: `Bearer ${await harness.token()}` });

describe('200', () => {
  it('answers GET /healthz without a token', async () => {
    const response = await getWithoutToken(harness, '/healthz');

    expect(response.statusCode).toBe(200);
    expect(response.body).toBe('{"status":"ok"}');
    expect(response.headers['content-type']).toBe('application/json');
  });

  it.each(RESOURCES)('answers HEAD %s like GET, without a body', async (url) => {
    const response = await harness.app.inject({ method: 'HEAD', url, headers: await authorized() });

    expect(response.statusCode).toBe(200);
    expect(response.body).toBe('');
    expect(response.headers['content-type']).toBe('application/json');
  });

  it.each(RESOURCES)('sends Content-Type exactly application/json on GET %s', async (url) => {
    const response = await harness.get(url);

    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('application/json');
  });
});

describe('X-Request-ID', () => {
  it.each(['req-42', 'a.b:c_D-9', 'x'.repeat(128)])('echoes the sane id %s', async (id) => {
    const response = await harness.get('/v1/apps', { 'x-request-id': id });
    expect(response.headers['x-request-id']).toBe(id);
  });

  it.each(['x'.repeat(129), 'a b', 'a/b', '<script>', 'id;drop', '"quoted"', ''])(
    'replaces the unsafe id %j with a UUID',
    async (id) => {
      const response = await harness.get('/v1/apps', { 'x-request-id': id });
      expect(response.headers['x-request-id']).toMatch(UUID);
    },
  );

  it('gives a fresh UUID when the client sends none, on answers and on errors', async () => {
    const answers = [
      await harness.get('/v1/apps'),
      await harness.get('/v1/apps'),
      await getWithoutToken(harness, '/v1/apps'),
      await harness.get('/v1/nothing'),
      await harness.get('/v1/apps?limit=0'),
    ];
    const ids = answers.map((response) => response.headers['x-request-id']);

    for (const id of ids) expect(id).toMatch(UUID);
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe('Content-Type', () => {
  it('is exactly application/json on errors', async () => {
    const sales = await harness.createKey('SALES');
    const answers = [
      await harness.get('/v1/apps?limit=0'),
      await getWithoutToken(harness, '/v1/apps'),
      await harness.get(METRICS, { authorization: `Bearer ${await harness.token(sales)}` }),
      await harness.get('/v1/apps/999'),
      await harness.get('/v1/nothing'),
      await harness.app.inject({ method: 'POST', url: '/v1/apps', headers: await authorized() }),
    ];

    expect(answers.map((response) => response.statusCode)).toEqual([400, 401, 403, 404, 404, 405]);
    for (const response of answers) expect(response.headers['content-type']).toBe('application/json');
  });
});

describe('401', () => {
  it('answers an unknown path without a token before saying the path is wrong', async () => {
    expectErrors(await getWithoutToken(harness, '/v1/nothing'), 401, [NOT_AUTHORIZED]);
  });

  it('answers another method without a token before saying the method is wrong', async () => {
    expectErrors(await harness.app.inject({ method: 'DELETE', url: '/v1/apps/100' }), 401, [NOT_AUTHORIZED]);
  });
});

describe('404', () => {
  it.each(['/v1/nothing', '/v2/apps', '/v1/apps/100/metrics/nothing', '/', '/v1/apps/100/extra/deep'])(
    'answers the unknown path %s with PATH_ERROR',
    async (url) => {
      expectErrors(await harness.get(url), 404, [PATH_ERROR]);
    },
  );

  it('carries X-Rate-Limit on an unknown path without spending the budget', async () => {
    const before = await harness.get('/v1/nothing');
    const again = await harness.get('/v1/nothing');
    const spent = await harness.get('/v1/apps');
    const after = await harness.get('/v1/nothing');

    expect(before.statusCode).toBe(404);
    expect([before, again, spent, after].map((response) => response.headers['x-rate-limit'])).toEqual([
      'user-hour-lim:3600;user-hour-rem:3600;',
      'user-hour-lim:3600;user-hour-rem:3600;',
      'user-hour-lim:3600;user-hour-rem:3599;',
      'user-hour-lim:3600;user-hour-rem:3599;',
    ]);
  });

  it('answers a path that cannot be decoded (/v1/%zz) with PATH_ERROR', async () => {
    const response = await harness.get('/v1/%zz');
    expect(response.statusCode).toBe(404);
    expect(response.json()).toEqual({
      errors: [{ id: expect.stringMatching(UUID), status: '404', ...PATH_ERROR }],
    });
  });

  // Known bug, create-app.ts: `frameworkErrors` answers before any hook runs, so this answer has no
  // X-Request-ID, a charset in its Content-Type and no authentication (401 must come first, §4). When this
  // test starts failing, the bug is fixed: drop `.fails` and keep the test.
  it('answers an undecodable path with the headers and checks of every other answer', async () => {
    const response = await getWithoutToken(harness, '/v1/%zz');
    expect(response.headers['x-request-id']).toMatch(UUID);
    expect(response.headers['content-type']).toBe('application/json');
    expect(response.statusCode).toBe(401);
  });
});

describe('405', () => {
  /** The methods the spec's writes add at a path (`/v1/apps/100` takes PATCH): those are not 405. */
  const writesAt = (url: string) =>
    specWrites()
      .filter((write) => new RegExp(`^${write.path.replace('{id}', '[^/]+')}$`).test(url))
      .map((write) => write.method);
  const cases = ['POST', 'PUT', 'PATCH', 'DELETE'].flatMap((method) =>
    RESOURCES.map((url) => [method, url.split('?')[0] ?? url] as const).filter(
      ([, url]) => !(writesAt(url) as string[]).includes(method),
    ),
  );

  it('leaves the methods of the writes out of the cases, and has cases left', () => {
    expect(writesAt('/v1/apps/100')).toEqual(['PATCH']);
    expect(cases.length).toBeGreaterThan(10);
  });

  it.each(cases)('answers %s %s in the ErrorResponse shape with Allow', async (method, url) => {
    const response = await harness.app.inject({ method, url, headers: await authorized() });
    const allowed = ['GET', 'HEAD', ...writesAt(url)].join(', ');

    expectErrors(response, 405, [
      {
        code: 'METHOD_NOT_ALLOWED',
        title: 'The request method is not allowed for this resource',
        detail: `The method '${method}' is not allowed for this resource; allowed: ${allowed}`,
      },
    ]);
    expect(response.headers.allow).toBe(allowed);
  });
});

describe('500', () => {
  it('answers an unexpected failure with UNEXPECTED_ERROR and nothing internal', async () => {
    await harness.store.close();
    const internal = await harness.store.findApp('100').then(
      () => 'no error',
      (error: unknown) => (error instanceof Error ? error.message : String(error)),
    );

    const response = await harness.get(METRICS);

    expectErrors(response, 500, [
      {
        code: 'UNEXPECTED_ERROR',
        title: 'An unexpected error occurred',
        detail: expect.stringMatching(
          /^An unexpected error occurred on the server side\. If this issue continues, contact the operator/,
        ),
      },
    ]);
    expect(response.headers['x-request-id']).toMatch(UUID);
    expect(internal).not.toBe('no error');
    expect(response.body).not.toContain(internal);
    expect(response.body).not.toMatch(/\bat .+\.[jt]s:\d+|stack|Error:|sqlite|kysely/i);
  });
});

describe('413', () => {
  it('refuses a body beyond MAX_BODY_BYTES on an API path before reading it as JSON', async () => {
    const response = await harness.app.inject({
      method: 'POST',
      url: '/v1/apps',
      headers: { ...(await authorized()), 'content-type': 'application/json' },
      payload: JSON.stringify({ data: 'x'.repeat(MAX_BODY_BYTES) }),
    });
    expectErrors(response, 413, [
      {
        code: 'REQUEST_ENTITY_TOO_LARGE',
        title: 'The request entity is too large',
        detail: 'The request body is larger than this resource accepts; send smaller batches',
      },
    ]);
  });
});

describe('acknowledging a write', () => {
  it('answers a request that may have written once every node answers with it, and a read without waiting', async () => {
    let waits = 0;
    let release = () => {};
    const app = createApp({
      services: {
        ...harness.services,
        writesSeenEverywhere: () => {
          waits++;
          return new Promise<void>((resolve) => {
            release = resolve;
          });
        },
      },
      baseUrl: fixedBaseUrl(APPLE_BASE_URL),
    });
    try {
      await app.ready();
      const headers = { ...(await authorized()), 'content-type': 'application/json' };
      let answered = false;
      const created = app
        .inject({
          method: 'POST',
          url: '/v1/betaGroups',
          headers,
          payload: {
            data: {
              type: 'betaGroups',
              attributes: { name: 'Friends' },
              relationships: { app: { data: { type: 'apps', id: '100' } } },
            },
          },
        })
        .then((response) => {
          answered = true;
          return response;
        });
      await pollUntil(
        async () => waits,
        (n) => n === 1,
        5_000,
      );
      // Committed, not yet acknowledged: a read of it is answered meanwhile, without a wait of its own.
      const read = await app.inject({ method: 'GET', url: '/v1/apps/100/betaGroups', headers });
      expect(read.statusCode).toBe(200);
      expect(
        read.json().data.map((group: { attributes: { name: string } }) => group.attributes.name),
      ).toEqual(['Friends']);
      expect(answered).toBe(false);
      expect(waits).toBe(1);
      release();
      expect((await created).statusCode).toBe(201);
    } finally {
      release();
      await app.close();
    }
  });
});
