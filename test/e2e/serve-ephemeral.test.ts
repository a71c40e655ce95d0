import { expect, it } from 'vitest';
import { startEphemeralServer } from '../support/ephemeral-server.js';

/**
 * `serve --ephemeral --print-config json`: the stand-in for a test suite in any language. The first line on
 * stdout is JSON with the base URL and an ADMIN key with TESTING; the server has faults and snapshots on,
 * over a fresh store.
 */
it('prints its address and a TESTING key as one JSON line, and serves a fresh store with the test controls', async () => {
  const server = await startEphemeralServer();
  try {
    const { config } = server;
    expect(config).toEqual({
      baseUrl: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/),
      issuerId: expect.any(String),
      keyId: expect.stringMatching(/^[A-Z0-9]{10}$/),
      privateKey: expect.stringContaining('-----BEGIN PRIVATE KEY-----'),
    });
    const token = await server.token();
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
    await server.stop();
  }
});
