import type { Server } from 'node:http';
import type { FastifyBaseLogger, FastifyHttpOptions } from 'fastify';

/**
 * How long a client may take and how many sockets it may hold. Without bounds (Fastify's defaults: no request
 * timeout, no socket timeout, no connection limit), a socket that sends nothing stays open for a minute and
 * more, a body sent a byte at a time is never cut off, and enough silent sockets exhaust the process's file
 * descriptors until no client, `/healthz` included, gets in.
 */
export interface ConnectionLimits {
  /** Milliseconds for the whole request head (request line and headers) to arrive, from the first byte or the connection. */
  readonly headersTimeoutMs: number;
  /** Milliseconds for the whole request, body included, to arrive; at least `headersTimeoutMs`. */
  readonly requestTimeoutMs: number;
  /** Milliseconds a kept-alive connection may sit between requests. */
  readonly keepAliveTimeoutMs: number;
  /**
   * Milliseconds a socket may see no traffic either way before it is closed: a client that stops reading a
   * response, or a request that hangs. Longer than the database's query timeout (30 s), so a hung query still
   * answers its 503.
   */
  readonly idleTimeoutMs: number;
  /** Open sockets of this process; connections beyond it are closed as soon as they are accepted. */
  readonly maxConnections: number;
}

/**
 * 512 sockets: half of the usual file-descriptor limit (`ulimit -n` 1024), which leaves the rest to the store,
 * the PostgreSQL pool and Node itself, and still far more than a load balancer's keep-alive pool to one node
 * (tens to a few hundred connections). The keep-alive timeout is Node's own; behind a balancer that keeps idle
 * connections longer (AWS ALB: 60 s), raise it above the balancer's, or the node closes a connection the
 * balancer is about to use.
 */
export const DEFAULT_CONNECTION_LIMITS: ConnectionLimits = {
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  keepAliveTimeoutMs: 5_000,
  idleTimeoutMs: 60_000,
  maxConnections: 512,
};

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
