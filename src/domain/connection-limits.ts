/**
 * How long a client may take and how many sockets it may hold, as values: src/http/connection-limits.ts sets
 * them on the server and `serve` takes them as options. Without bounds (Fastify's defaults: no request
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
