import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { expect, it } from 'vitest';
import { signToken } from '../../src/wire-common/sign-token.js';
import { CLI } from '../support/cli-process.js';

/**
 * `serve --ephemeral --print-config json`: the stand-in for a test suite in any language. The first line on
 * stdout is JSON with the base URL and an ADMIN key with TESTING; the server has faults and snapshots on,
 * over a fresh store.
 */
it('prints its address and a TESTING key as one JSON line, and serves a fresh store with the test controls', async () => {
  const child = spawn(
    process.execPath,
    [
      CLI,
      'serve',
      '--ephemeral',
      '--print-config',
      'json',
      '--listen',
      '127.0.0.1:0',
      '--log-level',
      'silent',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  try {
    const firstLine = await new Promise<string>((resolve, reject) => {
      const lines = createInterface({ input: child.stdout });
      lines.once('line', resolve);
      child.once('exit', (code) => reject(new Error(`serve exited (${code}) before printing its config`)));
    });
    const config = JSON.parse(firstLine) as {
      baseUrl: string;
      issuerId: string;
      keyId: string;
      privateKey: string;
    };
    expect(config).toEqual({
      baseUrl: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/),
      issuerId: expect.any(String),
      keyId: expect.stringMatching(/^[A-Z0-9]{10}$/),
      privateKey: expect.stringContaining('-----BEGIN PRIVATE KEY-----'),
    });
    const token = await signToken({
      privateKeyPem: config.privateKey,
      keyId: config.keyId,
      issuerId: config.issuerId,
      now: new Date(),
    });
    const get = (path: string, headers: Record<string, string> = {}) =>
      fetch(`${config.baseUrl}${path}`, { headers: { authorization: `Bearer ${token}`, ...headers } });

    const apps = await get('/v1/apps');
    expect(apps.status).toBe(200);
    expect(((await apps.json()) as { data: unknown[] }).data).toEqual([]);
    // Faults on demand are on, and the key has TESTING.
    const faulted = await get('/v1/apps', { 'x-beta-metrics-fault': 'status=503' });
    expect(faulted.status).toBe(503);
    expect(faulted.headers.get('retry-after')).toBe('5');
    const saved = await fetch(`${config.baseUrl}/_beta-metrics/snapshots`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'empty' }),
    });
    expect(saved.status).toBe(201);
  } finally {
    child.kill('SIGTERM');
    await exited;
  }
});
