import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, type ServerProcess, startServer } from '../support/cli-process.js';
import {
  addTesters,
  bearerToken,
  createApiKey,
  createAppId,
  createIngestKey,
  pollUntil,
} from '../support/operator-cli.js';
import { ingest, usageByTester, usageEvent, usagePath, values } from '../support/node-requests.js';
import { expectDeletedTesterGoneAtOnce, readCacheMetrics } from '../support/read-cache-metrics.js';

/**
 * The read caches of keys and data versions (storage/read-caches.ts) over one SQLite file shared by two
 * `serve` processes and the CLI, told of each other's commits by `PRAGMA data_version`
 * (storage/sqlite/data-version-feed.ts): a key another process revoked is refused within one second, a data
 * version another process raised retires the pages kept under the old one at once.
 */
describe('two servers and the CLI on one SQLite store', () => {
  let dir: string;
  let storeArgs: string[];
  const servers: ServerProcess[] = [];
  let a: string;
  let b: string;
  let admin: string;
  let appId: string;
  let testers: string[];
  let ingestKey: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'beta-metrics-store-changes-'));
    storeArgs = ['--data-dir', join(dir, 'store')];
    admin = await bearerToken(await createApiKey(storeArgs, dir, 'operator'));
    appId = await createAppId(storeArgs, 'Changes');
    testers = await addTesters(storeArgs, appId, 3);
    ingestKey = await createIngestKey(storeArgs, appId);
    const started = await Promise.all([0, 1].map(() => startServer([...storeArgs, '--rate-limit', '0'])));
    servers.push(...started);
    [a, b] = started.map((server) => server.baseUrl) as [string, string];
  });
  afterAll(async () => {
    await Promise.all(servers.map((server) => server.stop()));
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  it('refuses a key within one second of `keys revoke` in another process, having answered it from memory', async () => {
    const key = await createApiKey(storeArgs, dir, 'revoked', 'DEVELOPER');
    const token = await bearerToken(key);
    const statuses = () =>
      Promise.all(
        [a, b].map(async (node) => {
          const response = await fetch(`${node}${usagePath(appId)}`, { headers: { authorization: token } });
          await response.arrayBuffer();
          return response.status;
        }),
      );
    const before = await Promise.all([a, b].map(readCacheMetrics));
    for (let n = 0; n < 3; n++) expect(await statuses()).toEqual([200, 200]);
    const after = await Promise.all([a, b].map(readCacheMetrics));
    for (const [n, metrics] of after.entries()) {
      expect(metrics.watching).toBe(true);
      expect(metrics.hits.apiKeys).toBeGreaterThan(before[n]?.hits.apiKeys ?? 0);
    }

    const revoked = await runCli(['keys', 'revoke', key.keyId, ...storeArgs]);
    expect(revoked.code, revoked.stderr).toBe(0);
    const seen = await pollUntil(statuses, (all) => all.every((status) => status === 401), 1_000);
    expect(seen.value).toEqual([401, 401]);
    expect(seen.met).toBe(true);
  });

  it("retires a server's kept page at once when events come in through the other", async () => {
    const [t0] = testers as [string];
    const kept = await usageByTester(a, admin, appId);
    expect(await usageByTester(a, admin, appId)).toEqual(kept);
    expect(await ingest(b, ingestKey, [usageEvent('from-b', 'session', appId, t0)])).toEqual({
      status: 200,
      body: { accepted: 1, duplicates: 0 },
    });
    // One request, no polling: a data version is answered from memory only once data_version says no other
    // connection has committed since (storage/sqlite/data-version-feed.ts, caughtUp).
    expect((await usageByTester(a, admin, appId))[t0]).toEqual(values((kept[t0]?.sessionCount ?? 0) + 1));
  });

  it('retires its own kept page at once when events come in through it', async () => {
    const [, t1] = testers as [string, string];
    const kept = await usageByTester(a, admin, appId);
    expect(await usageByTester(a, admin, appId)).toEqual(kept);
    expect((await ingest(a, ingestKey, [usageEvent('from-a', 'crash', appId, t1)])).status).toBe(200);
    // One request, no polling: this server's own write forgot the version it kept.
    expect((await usageByTester(a, admin, appId))[t1]).toEqual(values(kept[t1]?.sessionCount ?? 0, 1));
  });

  it('answers a tester deleted through the other server as gone at once, having kept it in memory', async () => {
    const [, , t2] = testers as [string, string, string];
    // One request, no polling: the tester is answered from memory only once data_version says no other
    // connection has committed since (storage/sqlite/data-version-feed.ts, caughtUp).
    await expectDeletedTesterGoneAtOnce(a, b, admin, t2, appId);
  });
});
