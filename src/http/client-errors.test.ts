import type { Socket } from 'node:net';
import type { ConnectionError, FastifyBaseLogger } from 'fastify';
import { describe, expect, it } from 'vitest';
import { answerClientError } from './client-errors.js';
import { DEFAULT_CONNECTION_LIMITS } from './connection-limits.js';

/** What answerClientError does with a socket, seen through a fake one: writes, closes, logs, counts. */

interface Seen {
  readonly written: string[];
  destroyed: boolean;
  readonly logged: Array<{ level: string; fields: object; message: string }>;
  readonly counted: string[];
}

function fakeSocket(seen: Seen, state: { writable?: boolean; headersSent?: boolean } = {}): Socket {
  return {
    writable: state.writable ?? true,
    ...(state.headersSent !== undefined && { _httpMessage: { headersSent: state.headersSent } }),
    write(chunk: string) {
      seen.written.push(chunk);
      return true;
    },
    destroy() {
      seen.destroyed = true;
    },
  } as unknown as Socket;
}

function run(
  error: Partial<ConnectionError> & { reason?: string },
  state?: Parameters<typeof fakeSocket>[1],
) {
  const seen: Seen = { written: [], destroyed: false, logged: [], counted: [] };
  const at =
    (level: string) =>
    (fields: object, message: string): void => {
      seen.logged.push({ level, fields, message });
    };
  const log = { info: at('info'), debug: at('debug'), warn: at('warn') } as unknown as FastifyBaseLogger;
  answerClientError(Object.assign(new Error('x'), error) as ConnectionError, fakeSocket(seen, state), {
    limits: DEFAULT_CONNECTION_LIMITS,
    log: () => log,
    counted: (code) => seen.counted.push(code),
  });
  return seen;
}

const SECRET_PACKET = Buffer.from('GET / HTTP/1.1\r\nAuthorization: Bearer s3cr3t\r\nX-A: aaaa');

describe('a socket that failed', () => {
  it.each(['ECONNRESET', 'EPIPE', 'ETIMEDOUT'])(
    '%s: closed without a write, counted, logged at debug only',
    (code) => {
      const seen = run({ code });

      expect(seen.written).toEqual([]);
      expect(seen.destroyed).toBe(true);
      expect(seen.counted).toEqual([code]);
      expect(seen.logged.map((line) => line.level)).toEqual(['debug']);
    },
  );
});

describe('a parser error', () => {
  it('is answered once and logged in one line with its code, never the bytes the parser stopped at', () => {
    const seen = run({
      code: 'HPE_HEADER_OVERFLOW',
      reason: 'Header overflow',
      bytesParsed: 10,
      rawPacket: SECRET_PACKET as unknown as ConnectionError['rawPacket'],
    });

    expect(seen.written).toHaveLength(1);
    expect(seen.written[0]).toMatch(/^HTTP\/1\.1 431 Request Header Fields Too Large\r\n/);
    expect(seen.destroyed).toBe(true);
    expect(seen.counted).toEqual(['HPE_HEADER_OVERFLOW']);
    expect(seen.logged).toHaveLength(1);
    expect(seen.logged[0]?.fields).toMatchObject({ code: 'HPE_HEADER_OVERFLOW', statusCode: 431 });
    expect(JSON.stringify(seen)).not.toContain('s3cr3t');
  });

  it("names llhttp's reason in the detail, and only text that looks like one", () => {
    const plain = run({ code: 'HPE_INVALID_HEADER_TOKEN', reason: 'Invalid header value char' });
    const odd = run({ code: 'HPE_INVALID_HEADER_TOKEN', reason: 'Bearer s3cr3t\r\n' });

    expect(plain.written[0]).toContain(
      '"detail":"The request could not be parsed as HTTP/1.1: Invalid header value char"',
    );
    expect(odd.written[0]).toContain(
      '"detail":"The request could not be parsed as HTTP/1.1: HPE_INVALID_HEADER_TOKEN"',
    );
  });

  it('counts a code that does not look like one as OTHER', () => {
    expect(run({ code: 'hpe <script>' }).counted).toEqual(['OTHER']);
  });
});

describe('no answer where one would corrupt the connection', () => {
  it('closes without writing when a response is already under way, or the socket can no longer be written', () => {
    const underWay = run({ code: 'ERR_HTTP_REQUEST_TIMEOUT' }, { headersSent: true });
    const unwritable = run(
      { code: 'HPE_INVALID_VERSION', reason: 'Invalid HTTP version' },
      { writable: false },
    );

    for (const seen of [underWay, unwritable]) {
      expect(seen.written).toEqual([]);
      expect(seen.destroyed).toBe(true);
    }
  });

  it('answers a timeout when the response has not started', () => {
    const seen = run({ code: 'ERR_HTTP_REQUEST_TIMEOUT' }, { headersSent: false });

    expect(seen.written[0]).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/);
  });
});
