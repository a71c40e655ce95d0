import { connect } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { formHeaders, getPage, postLogin, sessionCookieOf } from '../../../test/support/dashboard.js';
import {
  createIngestHarness,
  type IngestHarness,
  postEvents,
  usageEvent,
} from '../../../test/support/ingest.js';
import { createApp } from '../../main/create-app.js';
import { type JournalEntry, type JournalLimits, requestJournal } from '../../services/request-journal.js';
import { fixedBaseUrl } from '../links.js';

/** Recording: what an entry holds for each kind of request, and what it never holds. */

let harness: IngestHarness;
const apps: FastifyInstance[] = [];
beforeEach(async () => {
  harness = await createIngestHarness();
});
afterEach(async () => {
  for (const app of apps.splice(0)) await app.close();
  await harness.close();
});

/** An app over the harness's services with a journal of its own bounds (no rate limit). */
async function appWith(
  limits: Partial<JournalLimits>,
  routes: (app: FastifyInstance) => void = () => {},
): Promise<FastifyInstance> {
  const app = createApp({
    services: harness.services,
    baseUrl: fixedBaseUrl(harness.baseUrl),
    journal: requestJournal(limits),
  });
  routes(app);
  apps.push(app);
  await app.ready();
  return app;
}

async function journalOf(app = harness.app, query = ''): Promise<JournalEntry[]> {
  const response = await app.inject({
    method: 'GET',
    url: `/_beta-metrics/journal${query}`,
    headers: { authorization: `Bearer ${await harness.token()}` },
  });
  expect(response.statusCode, response.body).toBe(200);
  return response.json<{ data: JournalEntry[] }>().data;
}

describe('an entry', () => {
  it('of an API read: method, path, decoded query, status, key id, operation, request id, timing', async () => {
    const response = await harness.get('/v1/apps?limit=5&fields%5Bapps%5D=name,sku', {
      'x-request-id': 'tool-run-1',
    });
    expect(response.statusCode).toBe(200);
    const [entry, ...rest] = await journalOf();
    expect(rest).toEqual([]);
    expect(entry).toEqual({
      seq: 1,
      at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      method: 'GET',
      path: '/v1/apps',
      query: [
        ['limit', '5'],
        ['fields[apps]', 'name,sku'],
      ],
      status: 200,
      durationMs: expect.any(Number),
      keyId: harness.admin.keyId,
      operation: 'apps_getCollection',
      requestId: 'tool-run-1',
    });
    expect(Math.abs(Date.parse(entry?.at ?? '') - Date.now())).toBeLessThan(60_000);
  });

  it('of a 4xx: its error codes, each once', async () => {
    await harness.get('/v1/apps?limit=0&cursor=zz');
    await harness.get('/v1/apps/nope');
    await harness.app.inject({ method: 'GET', url: '/v1/betaTesters' });
    const entries = await journalOf();
    expect(
      entries.map(({ status, operation, errorCodes, keyId }) => ({ status, operation, errorCodes, keyId })),
    ).toEqual([
      {
        status: 400,
        operation: 'apps_getCollection',
        errorCodes: ['PARAMETER_ERROR.INVALID'],
        keyId: harness.admin.keyId,
      },
      { status: 404, operation: 'apps_getInstance', errorCodes: ['NOT_FOUND'], keyId: harness.admin.keyId },
      // No token: no key id.
      {
        status: 401,
        operation: 'betaTesters_getCollection',
        errorCodes: ['NOT_AUTHORIZED'],
        keyId: undefined,
      },
    ]);
  });

  it('of a path no route has, and of one Fastify cannot decode, once each, without an operation', async () => {
    await harness.get('/v1/nothing');
    await harness.get('/v1/%zz');
    const entries = await journalOf();
    expect(entries.map(({ path, status, operation }) => ({ path, status, operation }))).toEqual([
      { path: '/v1/nothing', status: 404, operation: undefined },
      { path: '/v1/%zz', status: 404, operation: undefined },
    ]);
  });

  it("of ingestion: the ingest key's id, never the key, and the batch's error codes", async () => {
    expect((await postEvents(harness, { events: [usageEvent('e1')] })).statusCode).toBe(200);
    expect((await postEvents(harness, { events: [usageEvent('e2', { type: 'nap' })] })).statusCode).toBe(400);
    await postEvents(harness, { events: [] }, { key: 'bmi_not-a-key' });
    const entries = await journalOf();
    expect(
      entries.map(({ method, path, status, keyId, operation, errorCodes }) => ({
        method,
        path,
        status,
        keyId,
        operation,
        errorCodes,
      })),
    ).toEqual([
      {
        method: 'POST',
        path: '/ingest/v1/events',
        status: 200,
        keyId: harness.keyId,
        operation: 'ingestEvents_create',
        errorCodes: undefined,
      },
      {
        method: 'POST',
        path: '/ingest/v1/events',
        status: 400,
        keyId: harness.keyId,
        operation: 'ingestEvents_create',
        errorCodes: [expect.stringMatching(/^ENTITY_ERROR/)],
      },
      {
        method: 'POST',
        path: '/ingest/v1/events',
        status: 401,
        keyId: undefined,
        operation: 'ingestEvents_create',
        errorCodes: ['NOT_AUTHORIZED'],
      },
    ]);
    expect(JSON.stringify(entries)).not.toContain(harness.key);
  });

  it('of dashboard requests: method, path and status, the sign-in token redacted', async () => {
    const link = await harness.services.dashboardSessions.createLoginLink();
    await getPage(harness, `/dashboard/login?token=${link.token}&x=1`);
    const cookie = sessionCookieOf(await postLogin(harness, link.token));
    await getPage(harness, '/dashboard', cookie);
    const entries = await journalOf();
    expect(entries.map(({ method, path, query, status }) => ({ method, path, query, status }))).toEqual([
      {
        method: 'GET',
        path: '/dashboard/login',
        query: [
          ['token', '[REDACTED]'],
          ['x', '1'],
        ],
        status: 200,
      },
      { method: 'POST', path: '/dashboard/login', query: [], status: 303 },
      { method: 'GET', path: '/dashboard', query: [], status: 200 },
    ]);
  });

  it('is not made for /healthz, /metrics or the journal itself', async () => {
    await harness.app.inject({ method: 'GET', url: '/healthz' });
    await harness.app.inject({ method: 'GET', url: '/metrics' });
    await journalOf();
    await harness.app.inject({
      method: 'DELETE',
      url: '/_beta-metrics/journal?x=1',
      headers: { authorization: `Bearer ${await harness.token()}` },
    });
    await harness.app.inject({ method: 'GET', url: '/_beta-metrics/journal' });
    expect(await journalOf()).toEqual([]);
  });

  it('of a request whose client went away before the answer: status 499, aborted', async () => {
    let release = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let arrived = () => {};
    const started = new Promise<void>((resolve) => {
      arrived = resolve;
    });
    const app = await appWith({}, (app) =>
      app.get('/slow', { config: { authentication: 'none', operationId: 'slow_get' } }, async () => {
        arrived();
        await held;
        return { ok: true };
      }),
    );
    await app.listen({ host: '127.0.0.1', port: 0 });
    const address = app.server.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    const socket = connect(port, '127.0.0.1');
    socket.write('GET /slow?q=1 HTTP/1.1\r\nHost: x\r\n\r\n');
    await started;
    socket.destroy();
    // The abort is recorded when the server sees the connection close, before the handler answers.
    for (let tries = 0; (await journalOf(app)).length === 0; tries++) {
      if (tries > 500) throw new Error('the aborted request was never recorded');
      await new Promise((resolve) => setImmediate(resolve));
    }
    release();
    await app.inject({ method: 'GET', url: '/healthz' });
    const entries = await journalOf(app);
    expect(entries).toMatchObject([
      { path: '/slow', query: [['q', '1']], status: 499, aborted: true, operation: 'slow_get' },
    ]);
    expect(entries).toHaveLength(1);
  });
});

describe('bodies', () => {
  it('are not kept by default', async () => {
    await postEvents(harness, { events: [usageEvent('e1')] });
    await harness.get('/v1/apps');
    for (const entry of await journalOf()) {
      expect(entry.requestBody).toBeUndefined();
      expect(entry.responseBody).toBeUndefined();
    }
  });

  it('are kept up to their bound when asked, cut with a marker', async () => {
    const app = await appWith({ bodyBytes: 40 });
    const authorization = `Bearer ${await harness.token()}`;
    await app.inject({ method: 'GET', url: '/v1/apps/100', headers: { authorization } });
    await app.inject({
      method: 'POST',
      url: '/v1/apps',
      headers: { authorization, 'content-type': 'application/json' },
      payload: { data: { type: 'apps' } },
    });
    const [read, posted] = await journalOf(app);
    expect(read?.requestBody).toBeUndefined();
    expect(read?.responseBody).toMatch(
      /^\{"data":\{"type":"apps","id":"100",.*…\[truncated: \d+ bytes in all\]$/,
    );
    expect(read?.responseBody?.startsWith('{"data":{"type":"apps","id":"100","attr')).toBe(true);
    expect(posted).toMatchObject({
      status: 405,
      requestBody: '{"data":{"type":"apps"}}',
      errorCodes: ['METHOD_NOT_ALLOWED'],
    });
    expect(posted?.responseBody).toMatch(/^\{"errors":\[/);
  });

  it('of ingestion requests are never kept; their answers are', async () => {
    const app = await appWith({ bodyBytes: 4096 });
    await postEvents(harness, { events: [usageEvent('e1', { secretNote: 'do not keep' })] }, { app });
    const [entry] = await journalOf(app);
    expect(entry?.requestBody).toBeUndefined();
    expect(entry?.responseBody).toBeDefined();
    expect(JSON.stringify(entry)).not.toContain('do not keep');
  });
});

describe('secrets', () => {
  it('no token, key, cookie or sign-in token appears anywhere in the journal, bodies kept', async () => {
    const app = await appWith({ bodyBytes: 64 * 1024 });
    const viaApp = { ...harness, app };
    const token = await harness.token();
    await app.inject({ method: 'GET', url: '/v1/apps', headers: { authorization: `Bearer ${token}` } });
    // A token where none belongs: in the query, as a cookie.
    await app.inject({
      method: 'GET',
      url: `/v1/apps?token=${token}`,
      headers: { authorization: `Bearer ${token}` },
    });
    await postEvents(harness, { events: [usageEvent('e1')] }, { app });
    const link = await harness.services.dashboardSessions.createLoginLink();
    await getPage(viaApp, `/dashboard/login?token=${encodeURIComponent(link.token)}`);
    const signedIn = await postLogin(viaApp, link.token, formHeaders(viaApp));
    const cookie = sessionCookieOf(signedIn);
    await getPage(viaApp, '/dashboard', cookie);
    await getPage(viaApp, '/dashboard/apps/100', cookie);
    await app.inject({
      method: 'POST',
      url: '/dashboard/logout',
      headers: { ...formHeaders(viaApp), cookie },
    });

    const response = await app.inject({
      method: 'GET',
      url: '/_beta-metrics/journal?limit=1000',
      headers: { authorization: `Bearer ${token}` },
    });
    const whole = response.body;
    expect(response.json<{ data: unknown[] }>().data).toHaveLength(8);
    const session = cookie.slice('bm_session='.length);
    for (const secret of [token, harness.key, link.token, encodeURIComponent(link.token), session])
      expect(whole).not.toContain(secret);
    expect(whole).not.toMatch(/bearer|cookie|authorization/i);
  });
});
