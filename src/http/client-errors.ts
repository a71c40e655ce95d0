import { randomUUID } from 'node:crypto';
import { maxHeaderSize, STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { ConnectionError, FastifyBaseLogger, FastifyInstance, FastifyRequest } from 'fastify';
import type { ApiError } from '../errors/api-error.js';
import {
  chunkExtensionsTooLarge,
  malformedRequest,
  missingHost,
  requestHeadTooLarge,
  requestTimedOut,
} from '../errors/api-errors.js';
import type { ConnectionLimits } from './connection-limits.js';
import { errorResponseBody } from './error-response.js';

/**
 * Errors of a connection before Fastify has a request (Node's `clientError`): bytes Node's HTTP parser
 * refuses, a request head or body that arrives too slowly, a socket that fails. The first two are answered
 * in Apple's ErrorResponse, raw on the socket, with `Connection: close`; Fastify's own answer would be
 * `{"error":...}`, and Node's an empty body. Then the socket is closed: after a parse error the rest of its
 * bytes cannot be framed.
 */
export interface ClientErrorDeps {
  readonly limits: ConnectionLimits;
  readonly log: () => FastifyBaseLogger;
  /** Counts one error under a bounded label (the parser's `HPE_*` code, or the socket's error code). */
  readonly counted: (code: string) => void;
}

export function answerClientError(error: ConnectionError, socket: Socket, deps: ClientErrorDeps): void {
  const code = errorCode(error);
  deps.counted(code);
  const answer = answerFor(error, code, deps.limits);
  if (answer === undefined) {
    // The socket itself failed (ECONNRESET, EPIPE...): nobody is listening for an answer.
    deps.log().debug({ code }, 'connection failed');
    socket.destroy();
    return;
  }
  const requestId = randomUUID();
  // Only the code: the parser's error also carries the raw bytes it stopped at, headers and tokens included.
  deps.log().info({ code, statusCode: answer.status, requestId }, 'request refused by the HTTP layer');
  if (socket.writable && !responseStarted(socket)) socket.write(rawResponse(answer, requestId));
  socket.destroy();
}

function answerFor(error: ConnectionError, code: string, limits: ConnectionLimits): ApiError | undefined {
  switch (code) {
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return requestTimedOut(limits.headersTimeoutMs, limits.requestTimeoutMs);
    // Node counts the URL against the header limit too and reports both as this one code; the bytes at hand
    // cannot tell them apart reliably (a long request line arrives in several reads), so a URL too long is
    // answered 431 as well rather than 414 (docs/errors.md).
    case 'HPE_HEADER_OVERFLOW':
      return requestHeadTooLarge(maxHeaderSize);
    case 'HPE_CHUNK_EXTENSIONS_OVERFLOW':
      return chunkExtensionsTooLarge();
    default:
      return code.startsWith('HPE_') ? malformedRequest(parserReason(error, code)) : undefined;
  }
}

/** Codes are a small fixed set (llhttp's, libuv's, Node's); anything else is `OTHER`, so labels stay bounded. */
function errorCode(error: ConnectionError): string {
  const code = (error as Partial<ConnectionError>).code;
  return typeof code === 'string' && /^[A-Z][A-Z0-9_]{1,47}$/.test(code) ? code : 'OTHER';
}

/** llhttp's reason is fixed text ("Invalid header value char"); should it ever not look like that, the code. */
function parserReason(error: ConnectionError, code: string): string {
  const reason = (error as { reason?: unknown }).reason;
  return typeof reason === 'string' && /^[A-Za-z][A-Za-z0-9 ,.'-]{0,99}$/.test(reason) ? reason : code;
}

/** A response already under way on this socket (a pipelined request's, or one sent before the body came). */
function responseStarted(socket: Socket): boolean {
  return (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage?.headersSent === true;
}

function rawResponse(answer: ApiError, requestId: string): string {
  const body = JSON.stringify(errorResponseBody(answer));
  return [
    `HTTP/1.1 ${answer.status} ${STATUS_CODES[answer.status] ?? ''}`,
    'Content-Type: application/json',
    `Content-Length: ${Buffer.byteLength(body)}`,
    'Connection: close',
    `X-Request-ID: ${requestId}`,
    '',
    body,
  ].join('\r\n');
}

/**
 * HTTP/1.1 requires Host (RFC 9112 §3.2). Node's own check answers an empty 400, so it is off
 * (connection-limits.ts) and this one answers in Apple's shape, before authentication.
 */
export function lacksHost(request: FastifyRequest): boolean {
  const raw = request.raw;
  return raw.httpVersionMajor === 1 && raw.httpVersionMinor === 1 && raw.headers.host === undefined;
}

export function registerHostRequirement(app: FastifyInstance): void {
  app.addHook('onRequest', async (request) => {
    if (lacksHost(request)) throw missingHost();
  });
}
