import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FENCE_LEASE_MS } from '../../../src/storage/postgres/change-listener.js';
import { runCli, type ServerProcess, startServer } from '../../support/cli-process.js';
import { expectAppleError, ingest, usageEvent, usagePath } from '../../support/node-requests.js';
import {
  addTesters,
  bearerToken,
  createApiKey,
  createAppId,
  createIngestKey,
  pollUntil,
} from '../../support/operator-cli.js';
import { databaseAddress, startTcpProxy, type TcpProxy, throughProxy } from '../../support/tcp-proxy.js';
import { createTestSchema, TEST_DATABASE_URL } from '../../support/test-database.js';

/**
 * The PostgreSQL issue, item 5: a database that cannot be reached at start is one clear line and exit 1; a
 * database that goes away while serving is 503 in Apple's error shape (the process stays up), and the same
 * process answers again by itself once the database is back.
 */

describe('serve when PostgreSQL cannot be reached at start', () => {
  // Port 1: nothing listens there, so the connection is refused at once.
  it.each([
    ['without a password', 'postgres://postgres@127.0.0.1:1/test'],
    ['with a password', 'postgres://postgres:secret@127.0.0.1:1/test'],
  ])('exits 1 with one line on stderr that says so (%s)', async (_, url) => {
    const result = await runCli(['serve', '--listen', '127.0.0.1:0', '--database-url', url]);
    expect(result.code).toBe(1);
    const lines = result.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^beta-metrics: cannot reach PostgreSQL at postgres:\/\/postgres(:\*\*\*)?@127\.0\.0\.1:1\//,
    );
    expect(lines[0]).toContain('ECONNREFUSED');
    expect(result.stderr).not.toContain('secret');
    expect(result.stderr).not.toMatch(/^\s+at /m);
    expect(result.stdout).not.toContain('listening');
  });
});

describe('serve when PostgreSQL goes away while serving, and comes back', () => {
  let schema: Awaited<ReturnType<typeof createTestSchema>>;
  let dir: string;
  let proxy: TcpProxy | undefined;
  let server: ServerProcess | undefined;
  let authorization: string;
  let appId: string;
  let testerId: string;
  let ingestKey: string;

  beforeAll(async () => {
    schema = await createTestSchema();
    dir = await mkdtemp(join(tmpdir(), 'beta-metrics-outage-'));
    const store = ['--database-url', schema.url];
    authorization = await bearerToken(await createApiKey(store, dir, 'operator'));
    appId = await createAppId(store, 'Outage');
    [testerId] = (await addTesters(store, appId, 1)) as [string];
    ingestKey = await createIngestKey(store, appId);

    // The server reaches PostgreSQL only through the proxy: the same database and schema (`options` kept).
    proxy = await startTcpProxy(databaseAddress(TEST_DATABASE_URL));
    server = await startServer([
      '--database-url',
      throughProxy(schema.url, proxy),
      '--db-pool-size',
      '4',
      '--db-query-timeout',
      '2000',
    ]);
  });
  afterAll(async () => {
    await server?.stop('SIGKILL');
    await proxy?.close();
    await schema?.drop();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  it('answers 503 in Apple’s shape while the database is away, stays up, and recovers by itself', async () => {
    if (server === undefined || proxy === undefined) throw new Error('set-up failed');
    const { baseUrl, child, exited } = server;
    // No answer at all most likely means the process died: say so rather than "fetch failed".
    const crashed = async (error: unknown): Promise<never> => {
      const exit = await Promise.race([
        exited,
        new Promise((resolve) => setTimeout(resolve, 1000, 'none yet')),
      ]);
      throw new Error(`no answer from the server (${String(error)}); its exit code: ${String(exit)}`);
    };
    const metrics = () =>
      fetch(`${baseUrl}${usagePath(appId)}`, { headers: { authorization } }).catch(crashed);
    const health = async () => (await fetch(`${baseUrl}/healthz`)).status;

    const first = await metrics();
    expect(first.status).toBe(200);
    await first.arrayBuffer();
    expect(await health()).toBe(200);
    expect(proxy.openConnections()).toBeGreaterThan(0); // the server's pool does go through the proxy

    // The database goes away: open connections are cut, new ones refused.
    await proxy.cut();
    const down = await pollUntil(metrics, (response) => response.status !== 200, 10_000, 50);
    console.info(`503 answered ${down.elapsedMs} ms after the database went away`);
    const item = await expectAppleError(down.value, 503, 'SERVICE_UNAVAILABLE');
    expect(item.source).toBeUndefined();
    expect(down.value.headers.get('retry-after')).toMatch(/^[1-9][0-9]*$/);
    expect(down.value.headers.get('x-request-id')).not.toBeNull();

    // Every kind of request says the same, and none takes the process down.
    await expectAppleError(await metrics(), 503, 'SERVICE_UNAVAILABLE');
    const sent = await fetch(`${baseUrl}/ingest/v1/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ingestKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ events: [usageEvent('during-outage', 'session', appId, testerId)] }),
    });
    await expectAppleError(sent, 503, 'SERVICE_UNAVAILABLE');
    expect(sent.headers.get('retry-after')).not.toBeNull();
    const healthz = await fetch(`${baseUrl}/healthz`);
    await expectAppleError(healthz, 503, 'SERVICE_UNAVAILABLE');
    // Even a path the server cannot decode, which Fastify hands over before any hook, says 503, not 500.
    const undecodable = await fetch(`${baseUrl}/v1/%zz`, { headers: { authorization } });
    await expectAppleError(undecodable, 503, 'SERVICE_UNAVAILABLE');
    expect(undecodable.headers.get('retry-after')).not.toBeNull();
    expect(child.exitCode).toBeNull();
    expect(child.signalCode).toBeNull();

    // The database comes back: the same process answers 200 again without a restart.
    await proxy.restore();
    const up = await pollUntil(metrics, (response) => response.status === 200, 15_000, 100);
    console.info(`200 again ${up.elapsedMs} ms after the database came back`);
    expect(up.value.status).toBe(200);
    await up.value.arrayBuffer();
    expect(await health()).toBe(200);
    expect(child.exitCode).toBeNull();

    // Nothing of the refused batch was stored; the same batch, sent again as the client does, is taken once.
    const retried = await ingest(baseUrl, ingestKey, [
      usageEvent('during-outage', 'session', appId, testerId),
    ]);
    expect(retried).toEqual({ status: 200, body: { accepted: 1, duplicates: 0 } });
  });

  it('answers 503 instead of hanging when the database stops answering without closing its connections', async () => {
    if (server === undefined || proxy === undefined) throw new Error('set-up failed');
    const { baseUrl, child } = server;
    const metrics = () => fetch(`${baseUrl}${usagePath(appId)}`, { headers: { authorization } });
    await pollUntil(metrics, (response) => response.status === 200, 15_000, 100);

    // A network partition: every connection stays open, nothing passes any more. A replayed read may still be
    // answered from memory while the last round trip on the LISTEN session was sent within the lease, as the
    // design allows (docs/architecture.md, "Read caches"); once past it, every answer needs the database.
    proxy.stall();
    await sleep(FENCE_LEASE_MS * 5);
    const started = Date.now();
    await expectAppleError(await metrics(), 503, 'SERVICE_UNAVAILABLE');
    console.info(`503 answered ${Date.now() - started} ms into the stall (query timeout 2000 ms)`);
    await expectAppleError(await fetch(`${baseUrl}/healthz`), 503, 'SERVICE_UNAVAILABLE');
    expect(child.exitCode).toBeNull();

    // The partition heals: the dead connections are dropped and new ones work.
    await proxy.cut();
    await proxy.restore();
    const up = await pollUntil(metrics, (response) => response.status === 200, 20_000, 100);
    expect(up.value.status).toBe(200);
  });
});
