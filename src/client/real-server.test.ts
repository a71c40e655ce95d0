import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FaultProxy, startFaultProxy } from '../../test/support/fault-proxy.js';
import { MANY_APP, type ManyTestersServer, startManyTestersServer } from '../../test/support/many-testers.js';
import type { CreatedApiKey } from '../services/api-keys.js';
import { AscApiError } from './asc-api-error.js';
import { createClient } from './create-client.js';
import type { BetaTesterUsage, ClientOptions, PageProgress } from './types.js';

/** The client against a real beta-metrics server with 2,500 installed testers: 13 pages of 200. */

let server: ManyTestersServer;
beforeAll(async () => {
  server = await startManyTestersServer();
}, 60_000);
afterAll(async () => {
  await server?.close();
});

const clientOf = (key: CreatedApiKey = server.admin, options: Partial<ClientOptions> = {}) =>
  createClient({
    baseUrl: server.url,
    keyId: key.keyId,
    ...(key.issuerId !== undefined && { issuerId: key.issuerId }),
    privateKey: key.privateKeyPem,
    retry: { baseMs: 5, maxMs: 20 },
    ...options,
  });

async function all<T>(rows: AsyncIterable<T>): Promise<T[]> {
  const seen: T[] = [];
  for await (const row of rows) seen.push(row);
  return seen;
}

const counts = (rows: readonly Omit<BetaTesterUsage, 'start' | 'end'>[]) =>
  rows.map(({ testerId, sessionCount, crashCount, feedbackCount }) => ({
    testerId,
    sessionCount,
    crashCount,
    feedbackCount,
  }));

describe('betaTesterUsages against a real server', () => {
  it('pages through all 2,500 installed testers, each once, in id order, with their counts', async () => {
    const progress: PageProgress[] = [];

    const rows = await all(clientOf().betaTesterUsages(MANY_APP, { onPage: (page) => progress.push(page) }));

    expect(rows).toHaveLength(2500);
    expect(counts(rows)).toEqual(counts(server.seeded.rows));
    expect(new Set(rows.map((row) => row.start))).toEqual(new Set(['2022-10-05']));
    expect(new Set(rows.map((row) => row.end))).toEqual(new Set(['2023-10-05']));
    expect(progress).toHaveLength(13);
    expect(progress.at(-1)).toEqual({ pages: 13, rows: 2500, total: 2500 });
  });

  it('P7D: the same testers, without the older sessions', async () => {
    const rows = await all(clientOf().betaTesterUsages(MANY_APP, { period: 'P7D', limit: 150 }));

    expect(counts(rows)).toEqual(counts(server.seeded.rows7d));
    expect(rows[0]).toMatchObject({ start: '2023-09-28', end: '2023-10-05' });
  });

  it('one tester, with filter[betaTesters]', async () => {
    const expected = server.seeded.rows[1234];
    if (expected === undefined) throw new Error('the fixture has no tester 1234');

    const rows = await all(clientOf().betaTesterUsages(MANY_APP, { testerId: expected.testerId }));

    expect(counts(rows)).toEqual(counts([expected]));
  });

  it('an individual key works the same', async () => {
    const individual = await server.services.apiKeys.create({
      name: 'me',
      role: 'DEVELOPER',
      individual: true,
    });
    const expected = server.seeded.rows[7];
    if (expected === undefined) throw new Error('the fixture has no tester 7');

    const rows = await all(clientOf(individual).betaTesterUsages(MANY_APP, { testerId: expected.testerId }));

    expect(counts(rows)).toEqual(counts([expected]));
  });
});

describe('betaTesters against a real server', () => {
  it('lists every tester of the app over all pages, with names, emails and states', async () => {
    const testers = await all(clientOf().betaTesters({ appId: MANY_APP }));

    expect(testers).toHaveLength(2540);
    const byId = new Map(testers.map((tester) => [tester.id, tester]));
    for (const row of server.seeded.rows) {
      expect(byId.get(row.testerId)).toMatchObject({
        firstName: row.firstName,
        lastName: row.lastName,
        email: row.email,
        state: 'INSTALLED',
        inviteType: 'EMAIL',
      });
    }
    for (const id of server.seeded.invitedOnly) expect(byId.get(id)?.state).toBe('INVITED');
  });
});

describe('through a proxy that fails some requests', () => {
  let proxy: FaultProxy;
  beforeAll(async () => {
    proxy = await startFaultProxy(server.url);
  });
  afterAll(async () => {
    await proxy?.close();
  });

  it('a 500, a hang-up and a 429 on the way: every tester still comes exactly once', async () => {
    proxy.requests.length = 0;
    proxy.failNext(1, { pass: true });
    proxy.failNext(1, { answer: 500 });
    proxy.failNext(2, { pass: true });
    proxy.failNext(1, { hangUp: true });
    proxy.failNext(3, { pass: true });
    proxy.failNext(1, { answer: 429, headers: { 'retry-after': '0' } });

    const rows = await all(clientOf(server.admin, { baseUrl: proxy.url }).betaTesterUsages(MANY_APP));

    expect(counts(rows)).toEqual(counts(server.seeded.rows));
    expect(proxy.requests.map((request) => request.status).filter((status) => status !== 200)).toEqual([
      500,
      'hang-up',
      429,
    ]);
    expect(proxy.requests).toHaveLength(16);
  });

  it.each([
    ['a FINANCE key', 'FINANCE', MANY_APP, { status: 403, code: 'FORBIDDEN_ERROR' }, 1],
    ['an app that does not exist', 'ADMIN', '9999999999', { status: 404, code: 'NOT_FOUND' }, 1],
    ['a revoked key, once re-signed', 'REVOKED', MANY_APP, { status: 401, code: 'NOT_AUTHORIZED' }, 2],
  ])(
    '%s: an AscApiError with the server’s error and request id',
    async (_case, role, appId, fields, tries) => {
      const key = await server.services.apiKeys.create({
        name: role,
        role: role === 'REVOKED' ? 'ADMIN' : role,
      });
      if (role === 'REVOKED') await server.services.apiKeys.revoke(key.keyId);
      proxy.requests.length = 0;

      const error = await all(clientOf(key, { baseUrl: proxy.url }).betaTesterUsages(appId)).catch(
        (caught: unknown) => caught,
      );

      expect(error).toBeInstanceOf(AscApiError);
      expect(error).toMatchObject(fields);
      expect((error as AscApiError).errors).toHaveLength(1);
      expect((error as AscApiError).requestId).toMatch(/^[0-9a-f-]{36}$/);
      expect(proxy.requests).toHaveLength(tries);
    },
  );
});
