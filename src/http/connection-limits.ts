import type { Server } from 'node:http';
import type { FastifyBaseLogger, FastifyHttpOptions } from 'fastify';
import type { ConnectionLimits } from '../domain/connection-limits.js';

export { type ConnectionLimits, DEFAULT_CONNECTION_LIMITS } from '../domain/connection-limits.js';

/**
 * Node checks the head and request timeouts on a timer (every 30 s by default, so a 10 s timeout would take up
 * to 40 s): every second, or more often for shorter timeouts. One check walks the open connections only.
 */
export function connectionsCheckingInterval(limits: ConnectionLimits): number {
  const shortest = Math.min(limits.headersTimeoutMs, limits.requestTimeoutMs);
  return Math.max(10, Math.min(1000, Math.floor(shortest / 4)));
}

/** The Fastify options that carry the limits to the `http.Server` it creates (`listen` or not). */
export function connectionServerOptions(limits: ConnectionLimits) {
  return {
    connectionTimeout: limits.idleTimeoutMs,
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
