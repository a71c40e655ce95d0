import type { ServerOptions } from 'node:https';
import { type ConnectionLimits, connectionServerOptions } from '../../http/connection-limits.js';
import type { CertificatePair } from './certificate-pair.js';

/**
 * The options of the `https.Server` Fastify creates when it is given `https`. Fastify then passes that object
 * alone to the server and drops `http`, so the head timeout, the timer that checks it and the Host rule of
 * `connectionServerOptions` are carried over here; the other limits Fastify sets on either server. The TLS
 * handshake comes before any of them: it gets the head's time, so a client that opens connections and never
 * completes one is bounded as one that never sends a request head. HTTP/1.1 only (no ALPN `h2`), as Apple's
 * clients speak to it.
 */
export function httpsServerOptions(limits: ConnectionLimits, pair: CertificatePair): ServerOptions {
  return {
    ...connectionServerOptions(limits).http,
    handshakeTimeout: limits.headersTimeoutMs,
    cert: pair.cert,
    key: pair.key,
  };
}
