import { connect, type Socket } from 'node:net';
import { expect } from 'vitest';
import { type ErrorItemBody, UUID } from './api-responses.js';

/** HTTP/1.1 spoken byte by byte on a `net` socket: what no HTTP client library lets a test send. */

export interface RawConnection {
  readonly socket: Socket;
  /** Everything the server sent so far. */
  received(): string;
  /** Resolves once the server (or the test) closed the connection, with everything the server sent. */
  readonly closed: Promise<string>;
}

/** Connects to 127.0.0.1:`port`; resolves once connected. A reset ends it like a close. */
export function openRaw(port: number): Promise<RawConnection> {
  return recorded(connect(port, '127.0.0.1'), 'connect', true);
}

/**
 * Records everything `socket` receives; resolves once `readyEvent` fires (or, with `closeIsReady`, once it
 * closes first). A refused or reset connection is a close here: what matters is what the server sent before it.
 */
export function recorded<S extends Socket>(
  socket: S,
  readyEvent: 'connect' | 'secureConnect',
  closeIsReady = false,
): Promise<RawConnection & { readonly socket: S }> {
  let data = '';
  socket.setEncoding('latin1');
  socket.on('data', (chunk: string) => {
    data += chunk;
  });
  socket.on('error', () => {});
  const closed = new Promise<string>((resolve) => socket.once('close', () => resolve(data)));
  return new Promise((resolve, reject) => {
    socket.once(readyEvent, () => resolve({ socket, received: () => data, closed }));
    if (closeIsReady) socket.once('close', () => resolve({ socket, received: () => data, closed }));
    socket.once('error', reject);
  });
}

/** Sends `request` (latin1, so a NUL stays one byte) and resolves with all the server answered before closing. */
export async function exchangeRaw(port: number, request: string): Promise<string> {
  const connection = await openRaw(port);
  connection.socket.write(Buffer.from(request, 'latin1'));
  return connection.closed;
}

export interface RawResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** One HTTP/1.1 response with a Content-Length; fails the test if the bytes are not that. */
export function parseRawResponse(text: string): RawResponse {
  const end = text.indexOf('\r\n\r\n');
  expect(end, `no response head in ${JSON.stringify(text.slice(0, 200))}`).toBeGreaterThan(0);
  const [statusLine = '', ...lines] = text.slice(0, end).split('\r\n');
  const status = /^HTTP\/1\.1 (\d{3}) /.exec(statusLine);
  expect(status, statusLine).not.toBeNull();
  const headers = Object.fromEntries(
    lines.map((line) => {
      const colon = line.indexOf(':');
      return [line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim()];
    }),
  );
  const body = text.slice(end + 4);
  expect(Number(headers['content-length'])).toBe(Buffer.byteLength(body, 'latin1'));
  return { status: Number(status?.[1]), headers, body };
}

/**
 * Asserts that raw bytes are one response of `status` in Apple's ErrorResponse with `code`, JSON, the
 * connection closed after it; returns its error item.
 */
export function expectRawAppleError(text: string, status: number, code: string): ErrorItemBody {
  const response = parseRawResponse(text);
  expect(response.status).toBe(status);
  expect(response.headers['content-type']).toBe('application/json');
  expect(response.headers.connection).toBe('close');
  const body = JSON.parse(response.body) as { errors: ErrorItemBody[] };
  expect(Object.keys(body)).toEqual(['errors']);
  expect(body.errors).toHaveLength(1);
  const item = body.errors[0] as ErrorItemBody;
  expect(item).toMatchObject({ status: String(status), code });
  expect(item.id).toMatch(UUID);
  expect(typeof item.title).toBe('string');
  expect(typeof item.detail).toBe('string');
  return item;
}
