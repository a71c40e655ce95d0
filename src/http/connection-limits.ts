import { performance } from 'node:perf_hooks';
import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyBaseLogger, FastifyHttpOptions } from 'fastify';
import type { ConnectionLimits } from '../domain/connection-limits.js';

export { type ConnectionLimits, DEFAULT_CONNECTION_LIMITS } from '../domain/connection-limits.js';

/**
 * Node checks the head and request timeouts on a timer (every 30 s by default, so a 10 s timeout would take up
 * to 40 s): every second, or more often for shorter timeouts. One check walks the open connections only.
 */
export function connectionsCheckingInterval(limits: ConnectionLimits): number {
  return checkEvery(Math.min(limits.headersTimeoutMs, limits.requestTimeoutMs));
}

/** How often a timeout of `timeoutMs` is checked by a timer over the open connections: at most a quarter late. */
function checkEvery(timeoutMs: number): number {
  return Math.max(10, Math.min(1000, Math.floor(timeoutMs / 4)));
}

/**
 * The Fastify options that carry the limits to the `http.Server` it creates (`listen` or not). The idle timeout
 * is not among them: `closeIdleSockets` keeps it.
 */
export function connectionServerOptions(limits: ConnectionLimits) {
  return {
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    requestTimeout: limits.requestTimeoutMs,
    http: {
      headersTimeout: limits.headersTimeoutMs,
      connectionsCheckingInterval: connectionsCheckingInterval(limits),
      // Node would answer a missing Host with an empty 400; create-app.ts answers it in Apple's shape.
      requireHostHeader: false,
    },
  } satisfies FastifyHttpOptions<Server>;
}

/** How often the open sockets are looked at for the idle timeout: every second, or more often for a shorter one. */
export function idleSweepIntervalMs(idleTimeoutMs: number): number {
  return checkEvery(idleTimeoutMs);
}

/**
 * Closes every socket on which no byte moved either way for `idleTimeoutMs`: a client that stops reading an
 * answer, or a request that hangs, or a connection that never sends one. Node's socket timeout
 * (`server.timeout`, Fastify's `connectionTimeout`) does the same with a timer of each socket's, made anew for
 * every request and refreshed on every read and write: 1,000 to 1,400 of the instructions of a replayed answer
 * (BENCHMARKS.md, "Instructions of a replayed answer"), where bare node:http, without one, makes none. So one
 * sweep looks at the open sockets instead, every `idleSweepIntervalMs`: a socket is closed between
 * `idleTimeoutMs` and `idleTimeoutMs` plus an interval after its last byte. A kept-alive connection waiting for
 * its next request is Node's to close after the keep-alive timeout, or the sweep's when that is the longer
 * (docs/architecture.md, "Answer replay").
 */
export function closeIdleSockets(server: Server, idleTimeoutMs: number): void {
  /** Each open socket's bytes read and written when last seen, and when they last changed. */
  const watched = new Map<Socket, { moved: number; since: number }>();
  let sweeping: NodeJS.Timeout | undefined;
  const sweep = () => {
    const now = performance.now();
    for (const [socket, seen] of watched) {
      const moved = socket.bytesRead + socket.bytesWritten;
      if (moved !== seen.moved) {
        seen.moved = moved;
        seen.since = now;
      } else if (now - seen.since >= idleTimeoutMs) {
        watched.delete(socket);
        socket.destroy();
      }
    }
    if (watched.size === 0) stop();
  };
  const stop = () => {
    clearInterval(sweeping);
    sweeping = undefined;
  };
  server.on('connection', (socket: Socket) => {
    watched.set(socket, { moved: socket.bytesRead + socket.bytesWritten, since: performance.now() });
    socket.once('close', () => watched.delete(socket));
    sweeping ??= setInterval(sweep, idleSweepIntervalMs(idleTimeoutMs)).unref();
  });
  server.once('close', stop);
}

/** How often, at most, refused connections are logged: a flood would otherwise be a flood of log lines. */
const REFUSALS_LOGGED_EVERY_MS = 60_000;

/**
 * Caps the server's sockets. Node closes a connection beyond the cap as soon as it accepts it ('drop'); each
 * is counted, and logged at most once a minute with how many were refused since the last line.
 */
export function limitConnections(
  server: Server,
  limits: ConnectionLimits,
  log: FastifyBaseLogger,
  counted: () => void,
): void {
  server.maxConnections = limits.maxConnections;
  let refused = 0;
  let loggedAt = Number.NEGATIVE_INFINITY;
  server.on('drop', () => {
    counted();
    refused += 1;
    const now = performance.now();
    if (now - loggedAt < REFUSALS_LOGGED_EVERY_MS) return;
    log.warn(
      { refused, maxConnections: limits.maxConnections },
      'connections refused: this process holds --max-connections sockets',
    );
    refused = 0;
    loggedAt = now;
  });
}
