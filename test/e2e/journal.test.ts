import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, runCli, type ServerProcess, startServer } from '../support/cli-process.js';

/** The built CLI: `serve`, requests of a tool, then `journal` reading what it called, once and following. */

interface KeyJson {
  keyId: string;
  issuerId: string | null;
  keyFile: string;
}

async function until(condition: () => boolean, what: string): Promise<void> {
  for (let waited = 0; !condition(); waited += 20) {
    if (waited > 20_000) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('beta-metrics journal against a running server', () => {
  let dir: string;
  let key: KeyJson;
  let keyArgs: string[];
  let server: ServerProcess;
  let authorization: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'beta-metrics-e2e-journal-'));
    const store = join(dir, 'store');
    const created = await runCli([
      'keys',
      'create',
      '--name',
      'journal e2e',
      '--role',
      'ADMIN',
      '--out',
      dir,
      '--json',
      '--data-dir',
      store,
    ]);
    expect(created.code, created.stderr).toBe(0);
    key = JSON.parse(created.stdout) as KeyJson;
    keyArgs = ['--key-file', key.keyFile, '--key-id', key.keyId, '--issuer-id', key.issuerId ?? ''];
    server = await startServer(['--data-dir', store]);
    keyArgs.push('--base-url', server.baseUrl);
    const minted = await runCli(['token', ...keyArgs.slice(0, 6)]);
    expect(minted.code, minted.stderr).toBe(0);
    authorization = `Bearer ${minted.stdout.trim()}`;
  });
  afterAll(async () => {
    await server?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  const call = (path: string) => fetch(`${server.baseUrl}${path}`, { headers: { authorization } });

  it('journal --json --operation apps_getCollection prints what the tool called', async () => {
    expect((await call('/v1/apps?limit=2&filter%5BbundleId%5D=com.example.a')).status).toBe(200);
    expect((await call('/v1/apps/404404')).status).toBe(404);
    expect((await call('/healthz')).status).toBe(200);

    const read = await runCli(['journal', '--json', '--operation', 'apps_getCollection', ...keyArgs]);
    expect(read.code, read.stderr).toBe(0);
    const entries = read.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(entries).toEqual([
      {
        seq: 1,
        at: expect.any(String),
        method: 'GET',
        path: '/v1/apps',
        query: [
          ['limit', '2'],
          ['filter[bundleId]', 'com.example.a'],
        ],
        status: 200,
        durationMs: expect.any(Number),
        keyId: key.keyId,
        operation: 'apps_getCollection',
        requestId: expect.any(String),
      },
    ]);
    expect(read.stdout).not.toContain(authorization.slice('Bearer '.length));

    const table = await runCli(['journal', '--status', '404', ...keyArgs]);
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toMatch(
      /^SEQ {2}AT .*\n2 .* GET +404 .* apps_getInstance +NOT_FOUND +\/v1\/apps\/404404\n$/,
    );
  });

  it('journal --follow prints a request made after it started, and stops on SIGINT', async () => {
    const follower = spawn(
      process.execPath,
      [CLI, 'journal', '--follow', '--json', '--operation', 'apps_getInstance', ...keyArgs],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    follower.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    follower.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const exited = new Promise<number | null>((resolve) => follower.once('exit', (code) => resolve(code)));
    try {
      // The request of the first test is there already: once it is printed, the follower is polling.
      await until(() => stdout.includes('"/v1/apps/404404"'), `the earlier request (${stderr})`);
      expect((await call('/v1/apps/after-start')).status).toBe(404);
      await until(() => stdout.includes('"/v1/apps/after-start"'), `the new request (${stderr})`);
      follower.kill('SIGINT');
      expect(await exited).toBe(0);
    } finally {
      if (follower.exitCode === null) follower.kill('SIGKILL');
    }
    const paths = stdout
      .trim()
      .split('\n')
      .map((line) => (JSON.parse(line) as { path: string }).path);
    expect(paths).toEqual(['/v1/apps/404404', '/v1/apps/after-start']);
    expect(stderr).toBe('');
  });
});
