import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LISTENER_APPLICATION_NAME } from '../../../src/storage/postgres/change-listener.js';
import { runCli, type ServerProcess, startServer } from '../../support/cli-process.js';
import {
  addTesters,
  bearerToken,
  createApiKey,
  createAppId,
  createIngestKey,
  pollUntil,
} from '../../support/operator-cli.js';
import { ingest, usageByTester, usageEvent, usagePath, values } from '../../support/node-requests.js';
import { expectDeletedTesterGoneAtOnce, readCacheMetrics } from '../../support/read-cache-metrics.js';
import { createTestSchema, TEST_DATABASE_URL } from '../../support/test-database.js';

/**
 * Two `serve` processes over one PostgreSQL schema, each keeping API keys and apps' data versions in memory
 * (storage/read-caches.ts) and hearing every change through its LISTEN session (storage/postgres/
 * change-listener.ts, on the triggers of migration 0012).
 */
describe('the read caches of two nodes over one PostgreSQL database', () => {
  let schema: Awaited<ReturnType<typeof createTestSchema>>;
  let dir: string;
  let storeArgs: string[];
  const servers: ServerProcess[] = [];
  let a: string;
  let b: string;
  let admin: string;
  let appId: string;
  let testers: string[];
  let ingestKey: string;
  let database: pg.Client;

  beforeAll(async () => {
    schema = await createTestSchema();
    dir = await mkdtemp(join(tmpdir(), 'beta-metrics-changes-'));
    storeArgs = ['--database-url', schema.url];
    admin = await bearerToken(await createApiKey(storeArgs, dir, 'operator'));
    appId = await createAppId(storeArgs, 'Changes');
    testers = await addTesters(storeArgs, appId, 3);
    ingestKey = await createIngestKey(storeArgs, appId);
    const started = await Promise.all([0, 1].map(() => startServer(storeArgs)));
    servers.push(...started);
    [a, b] = started.map((server) => server.baseUrl) as [string, string];
    database = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await database.connect();
  });
  afterAll(async () => {
    await Promise.all(servers.map((server) => server.stop()));
    await database?.end();
    await schema?.drop();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  /** The status each node answers a token with, for a metrics page. */
  const statuses = (token: string) =>
    Promise.all(
      [a, b].map(async (node) => {
        const response = await fetch(`${node}${usagePath(appId)}`, { headers: { authorization: token } });
        await response.arrayBuffer();
        return response.status;
      }),
    );
  /** Both nodes listening, their key caches answering: a key's repeated requests are hits on each. */
  async function answeredFromMemory(token: string): Promise<void> {
    const listening = await pollUntil(
      () => Promise.all([a, b].map(readCacheMetrics)),
      (all) => all.every((metrics) => metrics.watching),
      5_000,
    );
    expect(listening.met).toBe(true);
    const before = await Promise.all([a, b].map(readCacheMetrics));
    for (let n = 0; n < 3; n++) expect(await statuses(token)).toEqual([200, 200]);
    const after = await Promise.all([a, b].map(readCacheMetrics));
    for (const [n, metrics] of after.entries())
      expect(metrics.hits.apiKeys).toBeGreaterThan(before[n]?.hits.apiKeys ?? 0);
  }
  const listenerPids = async () =>
    (
      await database.query<{ pid: number }>('select pid from pg_stat_activity where application_name = $1', [
        `${LISTENER_APPLICATION_NAME} ${schema.schema}`,
      ])
    ).rows.map((row) => row.pid);

  it('refuses a key on both nodes within one second of `keys revoke`, having answered it from memory', async () => {
    const key = await createApiKey(storeArgs, dir, 'revoked by the CLI', 'DEVELOPER');
    const token = await bearerToken(key);
    await answeredFromMemory(token);
    const revoked = await runCli(['keys', 'revoke', key.keyId, ...storeArgs]);
    expect(revoked.code, revoked.stderr).toBe(0);
    const seen = await pollUntil(
      () => statuses(token),
      (all) => all.every((s) => s === 401),
      1_000,
    );
    expect(seen.value).toEqual([401, 401]);
    expect(seen.met).toBe(true);
  });

  it("retires node A's kept page at once when an event comes in through node B", async () => {
    const [t0] = testers as [string];
    const kept = await usageByTester(a, admin, appId);
    const before = await readCacheMetrics(a);
    expect(await usageByTester(a, admin, appId)).toEqual(kept);
    expect((await readCacheMetrics(a)).hits.appDataVersions).toBeGreaterThan(before.hits.appDataVersions);
    expect(await ingest(b, ingestKey, [usageEvent('through-b', 'session', appId, t0)])).toEqual({
      status: 200,
      body: { accepted: 1, duplicates: 0 },
    });
    // One request, no polling: before node A answers a data version from memory, a round trip on its LISTEN
    // session makes sure it has heard every change committed before the request came (change-listener.ts).
    expect((await usageByTester(a, admin, appId))[t0]).toEqual(values((kept[t0]?.sessionCount ?? 0) + 1));
  });

  it('answers what the database holds while the LISTEN sessions are killed, then listens and caches again', async () => {
    const first = await createApiKey(storeArgs, dir, 'revoked while unheard', 'DEVELOPER');
    const firstToken = await bearerToken(first);
    await answeredFromMemory(firstToken);
    const killed = await listenerPids();
    expect(killed).toHaveLength(2);
    await database.query('select pg_terminate_backend(pid) from unnest($1::int[]) as pid', [killed]);
    // Revoked at once by another session: whether a node hears it or is between sessions, it must refuse.
    await database.query(
      `update ${schema.schema}.api_keys set revoked_at = '2024-01-01T00:00:00.000Z' where key_id = $1`,
      [first.keyId],
    );
    const refused = await pollUntil(
      () => statuses(firstToken),
      (all) => all.every((s) => s === 401),
      1_000,
    );
    expect(refused.value).toEqual([401, 401]);
    expect(refused.met).toBe(true);

    const back = await pollUntil(
      listenerPids,
      (pids) => pids.length === 2 && pids.every((pid) => !killed.includes(pid)),
      5_000,
    );
    expect(back.met, JSON.stringify(back.value)).toBe(true);
    const second = await createApiKey(storeArgs, dir, 'revoked once heard again', 'DEVELOPER');
    const secondToken = await bearerToken(second);
    await answeredFromMemory(secondToken);
    const revoked = await runCli(['keys', 'revoke', second.keyId, ...storeArgs]);
    expect(revoked.code, revoked.stderr).toBe(0);
    const seen = await pollUntil(
      () => statuses(secondToken),
      (all) => all.every((s) => s === 401),
      1_000,
    );
    expect(seen.value).toEqual([401, 401]);
    expect(seen.met).toBe(true);
  });

  it('answers a tester deleted through node B as gone on node A at once, having kept it in memory', async () => {
    const [, , t2] = testers as [string, string, string];
    // One request, no polling: node A heard the delete (migration 0013's trigger) before it answers the
    // tester from memory, its LISTEN session's round trip making sure (change-listener.ts).
    await expectDeletedTesterGoneAtOnce(a, b, admin, t2, appId);
  });
});
