import { statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, type ServerProcess, startServer } from '../support/cli-process.js';
import { pollUntil } from '../support/poll-until.js';
import { exchangeRaw, expectRawAppleError, openRaw } from '../support/raw-http.js';

interface KeyJson {
  keyId: string;
  issuerId: string | null;
  keyFile: string;
}

async function createKey(store: string, outDir: string, role = 'ADMIN'): Promise<KeyJson> {
  const created = await runCli([
    'keys',
    'create',
    '--name',
    `e2e ${role}`,
    '--role',
    role,
    '--out',
    outDir,
    '--json',
    '--data-dir',
    store,
  ]);
  expect(created.code, created.stderr).toBe(0);
  return JSON.parse(created.stdout) as KeyJson;
}

async function mintToken(key: KeyJson): Promise<string> {
  const minted = await runCli([
    'token',
    '--key-file',
    key.keyFile,
    '--key-id',
    key.keyId,
    '--issuer-id',
    key.issuerId ?? '',
  ]);
  expect(minted.code, minted.stderr).toBe(0);
  return minted.stdout.trim();
}

async function until(condition: () => boolean, what: string): Promise<void> {
  for (let waited = 0; !condition(); waited += 20) {
    if (waited > 10_000) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('the built CLI serving the demo', () => {
  let dir: string;
  let store: string;
  let key: KeyJson;
  let server: ServerProcess;
  let authorization: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'beta-metrics-e2e-'));
    store = join(dir, 'store');
    key = await createKey(store, dir);
    server = await startServer(['--demo', '--data-dir', store]);
    authorization = `Bearer ${await mintToken(key)}`;
  });
  afterAll(async () => {
    await server?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('keys create writes AuthKey_<KEYID>.p8 readable by its owner only and prints its ids as JSON', () => {
    expect(key.keyId).toMatch(/^[A-Z0-9]{10}$/);
    expect(key.issuerId).toMatch(/^[0-9a-f-]{36}$/);
    expect(key.keyFile).toBe(join(dir, `AuthKey_${key.keyId}.p8`));
    expect(statSync(key.keyFile).mode & 0o777).toBe(0o600);
  });

  it("prints a curl command whose token answers the page's first example", async () => {
    const curl = /curl -s -H 'Authorization: (Bearer [^']+)' '([^']+)'/.exec(server.output());
    expect(curl?.[2]).toBe(
      `${server.baseUrl}/v1/apps/6447306070/metrics/betaTesterUsages?period=P365D&limit=5&groupBy=betaTesters`,
    );
    const response = await fetch(curl?.[2] ?? '', { headers: { authorization: curl?.[1] ?? '' } });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { meta: { paging: { total: number } }; links: { next: string } };
    expect(body.meta.paging.total).toBe(931);
    expect(body.links.next).toBe(
      `${server.baseUrl}/v1/apps/6447306070/metrics/betaTesterUsages?cursor=BQ.TGQPUQ&period=PT8760H&limit=5&groupBy=betaTesters`,
    );
  });

  it('pages through all 931 testers by following links.next, each once, in order', async () => {
    let url: string | undefined =
      `${server.baseUrl}/v1/apps/6447306070/metrics/betaTesterUsages?groupBy=betaTesters&limit=200`;
    const ids: string[] = [];
    let pages = 0;
    while (url !== undefined) {
      const response = await fetch(url, { headers: { authorization } });
      expect(response.status).toBe(200);
      const body = (await response.json()) as {
        data: Array<{ dimensions: { betaTesters: { data: { id: string } } } }>;
        links: { next?: string };
      };
      ids.push(...body.data.map((item) => item.dimensions.betaTesters.data.id));
      url = body.links.next;
      if (url !== undefined) expect(url.startsWith(`${server.baseUrl}/`)).toBe(true);
      pages++;
    }
    expect(pages).toBe(5);
    expect(ids).toHaveLength(931);
    expect(new Set(ids).size).toBe(931);
    expect([...ids].sort()).toEqual(ids);
  });

  it('lets store commands run while the server serves the same store, with effect within one second', async () => {
    const second = await createKey(store, dir, 'DEVELOPER');
    const secondAuth = `Bearer ${await mintToken(second)}`;
    const app = await runCli([
      'apps',
      'create',
      '--name',
      'Late App',
      '--bundle-id',
      'com.example.late',
      '--json',
      '--data-dir',
      store,
    ]);
    expect(app.code, app.stderr).toBe(0);
    const { id } = JSON.parse(app.stdout) as { id: string };
    const found = await fetch(`${server.baseUrl}/v1/apps/${id}`, { headers: { authorization: secondAuth } });
    expect(found.status).toBe(200);

    const revoked = await runCli(['keys', 'revoke', second.keyId, '--data-dir', store]);
    expect(revoked.code, revoked.stderr).toBe(0);
    // The server keeps keys in memory until its store tells of another process's commit (storage/read-caches.ts).
    const refused = await pollUntil(
      async () =>
        (await fetch(`${server.baseUrl}/v1/apps`, { headers: { authorization: secondAuth } })).status,
      (status) => status === 401,
      1_000,
    );
    expect(refused).toMatchObject({ value: 401, met: true });
  });

  it('refuses to start on a port in use with one line and exit code 1', async () => {
    const port = new URL(server.baseUrl).port;
    const other = await runCli(['serve', '--listen', `127.0.0.1:${port}`, '--data-dir', join(dir, 'other')]);
    expect(other.code).toBe(1);
    expect(other.stderr.trim().split('\n')).toEqual([
      `beta-metrics: 127.0.0.1:${port} is already in use; stop the other server or choose another --listen HOST:PORT`,
    ]);
  });
});

describe('the built CLI, starting and stopping', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'beta-metrics-e2e-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('finishes a request in flight on SIGTERM, then exits 0', async () => {
    const store = join(dir, 'drain');
    const key = await createKey(store, dir);
    const token = await mintToken(key);
    const server = await startServer(['--data-dir', store]);
    const socket = connect(Number(new URL(server.baseUrl).port), '127.0.0.1');
    let response = '';
    socket.on('data', (chunk) => {
      response += chunk.toString();
    });
    const closed = new Promise((resolve) => socket.on('close', resolve));
    // Headers and half of a body: the request is in flight until the rest arrives.
    socket.write(
      `POST /v1/apps HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${token}\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{`,
    );
    await until(() => server.output().includes('"method":"POST"'), 'the server to receive the request');
    server.child.kill('SIGTERM');
    await until(() => server.output().includes('shutting down'), 'the server to begin shutting down');
    expect(server.child.exitCode).toBeNull();
    socket.write('}');
    await closed;
    expect(response).toMatch(/^HTTP\/1\.1 405 /);
    expect(response).toContain('"code":"METHOD_NOT_ALLOWED"');
    expect(await server.exited).toBe(0);
  });

  it('drains and exits 0 even when stopped the moment it is up', async () => {
    const server = await startServer(['--data-dir', join(dir, 'quick')]);
    expect(await server.stop()).toBe(0);
    expect(server.output()).toContain('shutting down');
  });

  it('bounds its connections as its options say, and answers parser errors in Apple shape, logging only the code', async () => {
    const server = await startServer([
      '--data-dir',
      join(dir, 'bounded'),
      '--headers-timeout',
      '1000',
      '--request-timeout',
      '1000',
      '--max-connections',
      '1',
    ]);
    try {
      const port = Number(new URL(server.baseUrl).port);
      const silent = await openRaw(port);
      // The one socket allowed is held (connections are accepted in order): the next is closed on accept,
      // unanswered.
      const extra = await openRaw(port);
      expect(await extra.closed).toBe('');
      expectRawAppleError(await silent.closed, 408, 'REQUEST_TIMEOUT');

      const bad = await exchangeRaw(
        port,
        'GET / HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer s3cr3t\0\r\n\r\n',
      );
      expectRawAppleError(bad, 400, 'BAD_REQUEST');
      await until(
        () => server.output().includes('HPE_INVALID_HEADER_TOKEN'),
        'the log line of the parser error',
      );
      expect(server.output()).not.toContain('s3cr3t');

      const health = await fetch(`${server.baseUrl}/healthz`);
      expect(health.status).toBe(200);
    } finally {
      expect(await server.stop()).toBe(0);
    }
  });

  it('says in one line when the data directory cannot be written', async () => {
    const result = await runCli(['serve', '--listen', '127.0.0.1:0', '--data-dir', '/etc/passwd/store']);
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain('the data directory /etc/passwd/store is not writable');
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});
