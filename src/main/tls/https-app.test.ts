import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { createHarness, type Harness, seedApp } from '../../../test/support/harness.js';
import { httpsRequest, openTlsRaw, plainExchange } from '../../../test/support/https-client.js';
import { expectRawAppleError } from '../../../test/support/raw-http.js';
import { type ConnectionLimits, DEFAULT_CONNECTION_LIMITS } from '../../http/connection-limits.js';
import { baseUrlFromHostHeader } from '../../http/links.js';
import { createApp } from '../create-app.js';
import { createSelfSignedCertificate } from './self-signed-certificate.js';

/**
 * The server createApp makes with `tls`, over real sockets: HTTPS with the links, cookies and connection
 * bounds of the HTTP server. Timeouts are set short; nothing here asserts a duration.
 */

const certificate = createSelfSignedCertificate({
  hosts: ['localhost', '127.0.0.1'],
  notBefore: new Date(Date.now() - 3_600_000),
  notAfter: new Date(Date.now() + 86_400_000),
});
const ca = certificate.certPem;

let harness: Harness | undefined;
let app: FastifyInstance | undefined;
afterEach(async () => {
  await app?.close();
  await harness?.close();
  app = undefined;
  harness = undefined;
});

/** An HTTPS server over a store with one app, its links built on the host the client called. */
async function listening(
  limits: Partial<ConnectionLimits> = {},
): Promise<{ port: number; harness: Harness }> {
  harness = await createHarness();
  await seedApp(harness.store, '100', [{ id: 'a' }]);
  app = createApp({
    services: harness.services,
    baseUrl: baseUrlFromHostHeader,
    connectionLimits: { ...DEFAULT_CONNECTION_LIMITS, ...limits },
    tls: { cert: certificate.certPem, key: certificate.keyPem },
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  return { port: (app.server.address() as AddressInfo).port, harness };
}

describe('HTTPS', () => {
  it('answers the API, with links on https://', async () => {
    const { port, harness } = await listening();

    const answer = await httpsRequest(`https://127.0.0.1:${port}/v1/apps`, {
      ca,
      headers: { authorization: `Bearer ${await harness.token()}` },
    });

    expect(answer.status).toBe(200);
    const body = JSON.parse(answer.body) as { links: { self: string } };
    expect(body.links.self).toBe(`https://127.0.0.1:${port}/v1/apps`);
  });

  it('sets the dashboard session cookie Secure', async () => {
    const { port, harness } = await listening();
    const link = await harness.services.dashboardSessions.createLoginLink();

    const answer = await httpsRequest(`https://127.0.0.1:${port}/dashboard/login`, {
      ca,
      method: 'POST',
      headers: {
        origin: `https://127.0.0.1:${port}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: `token=${encodeURIComponent(link.token)}`,
    });

    expect(answer.status).toBe(303);
    expect(String(answer.headers['set-cookie'])).toMatch(/; Secure/);
  });

  it('speaks HTTP/1.1 only', async () => {
    const { port } = await listening();
    const connection = await openTlsRaw(port, ca, ['h2', 'http/1.1']);

    expect(connection.socket.alpnProtocol).toBe('http/1.1');
    connection.socket.destroy();
  });

  it('closes a plain-HTTP connection without an answer', async () => {
    const { port } = await listening();

    expect(await plainExchange(port, 'GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n')).not.toMatch(
      /^HTTP\//,
    );
  });
});

describe('the HTTP server’s bounds, on the HTTPS server', () => {
  it('caps its sockets', async () => {
    await listening({ maxConnections: 7 });

    expect(app?.server.maxConnections).toBe(7);
  });

  it('answers a request without Host in Apple’s shape, not Node’s empty 400', async () => {
    const { port } = await listening();
    const connection = await openTlsRaw(port, ca);
    connection.socket.write('GET /v1/apps HTTP/1.1\r\n\r\n');

    expectRawAppleError(await connection.closed, 400, 'BAD_REQUEST');
  });

  it('answers bytes that are not HTTP in Apple’s shape', async () => {
    const { port } = await listening();
    const connection = await openTlsRaw(port, ca);
    connection.socket.write('GET /v1/a\u0001pps HTTP/1.1\r\nHost: localhost\r\n\r\n');

    expectRawAppleError(await connection.closed, 400, 'BAD_REQUEST');
  });

  it('answers 408 once the headers timeout passes on a connection that sends nothing after the handshake', async () => {
    const { port } = await listening({ headersTimeoutMs: 300, requestTimeoutMs: 300 });
    const silent = await openTlsRaw(port, ca);

    expectRawAppleError(await silent.closed, 408, 'REQUEST_TIMEOUT');
  });

  it('closes a connection that never starts the handshake once the headers timeout passes', async () => {
    const { port } = await listening({ headersTimeoutMs: 300, requestTimeoutMs: 300 });

    expect(await plainExchange(port, '')).toBe('');
  });
});
