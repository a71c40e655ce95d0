import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import {
  exchangeRaw,
  expectRawAppleError,
  openRaw,
  parseRawResponse,
  type RawConnection,
} from '../../test/support/raw-http.js';
import { createHarness, type Harness, type HarnessOptions } from '../../test/support/harness.js';
import { parsePrometheusText, sampleValue } from '../../test/support/prometheus-text.js';
import { DEFAULT_CONNECTION_LIMITS } from './connection-limits.js';

/**
 * The server's connections, over real sockets: bounded in time and number, and every error of Node's HTTP
 * parser answered in Apple's ErrorResponse. Timeouts are set short; nothing here asserts a duration, a test
 * only waits for what the server does.
 */

let harness: Harness | undefined;
const open: RawConnection[] = [];
afterEach(async () => {
  for (const connection of open.splice(0)) connection.socket.destroy();
  await harness?.close();
  harness = undefined;
});

async function listening(limits: HarnessOptions['connectionLimits'] = {}): Promise<number> {
  harness = await createHarness({ connectionLimits: limits });
  await harness.app.listen({ port: 0, host: '127.0.0.1' });
  return (harness.app.server.address() as AddressInfo).port;
}

async function connected(port: number): Promise<RawConnection> {
  const connection = await openRaw(port);
  open.push(connection);
  return connection;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('the defaults', () => {
  it('bound every server createApp makes, listening or not', async () => {
    harness = await createHarness();
    const server = harness.app.server;

    expect(server.headersTimeout).toBe(DEFAULT_CONNECTION_LIMITS.headersTimeoutMs);
    expect(server.requestTimeout).toBe(DEFAULT_CONNECTION_LIMITS.requestTimeoutMs);
    expect(server.keepAliveTimeout).toBe(DEFAULT_CONNECTION_LIMITS.keepAliveTimeoutMs);
    // The idle timeout is closeIdleSockets' (connection-limits.ts): Node arms no timer of a socket's for it.
    expect(server.timeout).toBe(0);
    expect(server.maxConnections).toBe(DEFAULT_CONNECTION_LIMITS.maxConnections);
  });
});

describe('timeouts', () => {
  it('answers a socket that sends nothing 408 in Apple shape once the headers timeout passes, and closes it', async () => {
    const port = await listening({ headersTimeoutMs: 500, requestTimeoutMs: 1000 });
    const silent = await connected(port);

    const item = expectRawAppleError(await silent.closed, 408, 'REQUEST_TIMEOUT');
    expect(item.detail).toContain('500 ms');
  });

  it('closes a socket that sends nothing once the idle timeout passes, even with a long headers timeout', async () => {
    const port = await listening({ idleTimeoutMs: 300 });
    const silent = await connected(port);

    expect(await silent.closed).toBe('');
  });

  it('closes a kept-alive connection that sends no next request once the keep-alive timeout passes', async () => {
    const port = await listening({ keepAliveTimeoutMs: 300 });
    const client = await connected(port);
    client.socket.write('GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n');

    const answered = parseRawResponse(await client.closed);
    expect(answered.status).toBe(200);
    expect(answered.headers.connection).toBe('keep-alive');
  });

  it('cuts a body sent one byte at a time once the request timeout passes, with a 408', async () => {
    const port = await listening({ headersTimeoutMs: 500, requestTimeoutMs: 1000 });
    const token = await harness?.token();
    const client = await connected(port);
    const body = JSON.stringify({ data: { type: 'apps', attributes: { name: 'x'.repeat(40) } } });
    client.socket.write(
      `POST /v1/apps HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer ${token}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`,
    );
    // A byte every 200 ms: the whole body would take far longer than the request timeout. Without one, it
    // would arrive in full and be answered 405.
    for (const byte of body) {
      if (client.socket.destroyed || client.received() !== '') break;
      client.socket.write(byte);
      await sleep(200);
    }

    expectRawAppleError(await client.closed, 408, 'REQUEST_TIMEOUT');
  });
});

describe('--max-connections', () => {
  it('closes the sockets beyond it unanswered; once the headers timeout cuts the silent ones, /healthz answers; both are counted', async () => {
    const port = await listening({ maxConnections: 5, headersTimeoutMs: 2000, requestTimeoutMs: 2000 });
    const server = harness?.app.server;
    let refused = 0;
    server?.on('drop', () => {
      refused += 1;
    });
    const silent = await Promise.all(Array.from({ length: 5 }, () => connected(port)));
    const held = () =>
      new Promise<number>((resolve, reject) =>
        server?.getConnections((error, count) => (error ? reject(error) : resolve(count))),
      );
    while ((await held()) < 5) await sleep(10);

    const extra = await Promise.all(Array.from({ length: 3 }, () => connected(port)));
    // Closed on accept: no answer at all, unlike the silent ones the headers timeout cuts with a 408.
    expect(await Promise.all(extra.map((connection) => connection.closed))).toEqual(['', '', '']);
    expect(refused).toBe(3);
    for (const connection of silent) expectRawAppleError(await connection.closed, 408, 'REQUEST_TIMEOUT');

    const health = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
    const metrics = parsePrometheusText(await (await fetch(`http://127.0.0.1:${port}/metrics`)).text());
    expect(sampleValue(metrics, 'beta_metrics_http_refused_connections_total', {})).toBe(3);
    expect(
      sampleValue(metrics, 'beta_metrics_http_client_errors_total', { code: 'ERR_HTTP_REQUEST_TIMEOUT' }),
    ).toBe(5);
  });
});

describe("errors of Node's HTTP parser, in Apple's ErrorResponse", () => {
  const SECRET = 'Bearer s3cr3t-token';
  const cases: ReadonlyArray<[string, string, number, string]> = [
    [
      'a URL over 16 KB',
      `GET /v1/apps?x=${'a'.repeat(17_000)} HTTP/1.1\r\nHost: localhost\r\nAuthorization: ${SECRET}\r\n\r\n`,
      431,
      'REQUEST_HEADER_FIELDS_TOO_LARGE',
    ],
    [
      'headers over 16 KB',
      `GET /v1/apps HTTP/1.1\r\nHost: localhost\r\nAuthorization: ${SECRET}\r\nX-Padding: ${'a'.repeat(17_000)}\r\n\r\n`,
      431,
      'REQUEST_HEADER_FIELDS_TOO_LARGE',
    ],
    ['an unknown HTTP version', 'GET / HTTP/9.9\r\nHost: localhost\r\n\r\n', 400, 'BAD_REQUEST'],
    [
      'bare LF line ends',
      `GET /v1/apps HTTP/1.1\nHost: localhost\nAuthorization: ${SECRET}\n\n`,
      400,
      'BAD_REQUEST',
    ],
    [
      'a NUL in a header value',
      `GET /v1/apps HTTP/1.1\r\nHost: localhost\r\nAuthorization: ${SECRET}\0x\r\n\r\n`,
      400,
      'BAD_REQUEST',
    ],
    [
      'an invalid character in a header name',
      `GET /v1/apps HTTP/1.1\r\nHost: localhost\r\nAuth{orization: ${SECRET}\r\n\r\n`,
      400,
      'BAD_REQUEST',
    ],
    [
      'HTTP/1.1 without Host, to a path that cannot be decoded',
      'GET /v1/%zz HTTP/1.1\r\n\r\n',
      400,
      'BAD_REQUEST',
    ],
  ];

  it.each(cases)(
    'answers %s with a status line and an ErrorResponse, never echoing the request',
    async (_name, request, status, code) => {
      const port = await listening();

      const item = expectRawAppleError(await exchangeRaw(port, request), status, code);
      expect(item.detail).not.toContain('s3cr3t');
      expect(item.detail).not.toContain('aaaa');
    },
  );

  it('answers HTTP/1.1 without Host 400 before authentication, and still answers HTTP/1.0 without it', async () => {
    const port = await listening();

    const item = expectRawAppleError(
      await exchangeRaw(port, 'GET /v1/apps HTTP/1.1\r\n\r\n'),
      400,
      'BAD_REQUEST',
    );
    expect(item.detail).toBe('An HTTP/1.1 request must carry a Host header');
    const older = parseRawResponse(await exchangeRaw(port, 'GET /healthz HTTP/1.0\r\n\r\n'));
    expect(older.status).toBe(200);
  });
});
