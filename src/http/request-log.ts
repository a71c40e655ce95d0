import type { FastifyRequest } from 'fastify';

/**
 * How a request appears in the log (Fastify's own fields), with the value of any `token` query parameter
 * replaced: a dashboard sign-in link carries its one-time token there, and no token goes to a log.
 */
export function requestForLog(request: FastifyRequest) {
  return {
    method: request.method,
    url: redactTokens(request.url),
    host: request.host,
    remoteAddress: request.ip,
    remotePort: request.socket?.remotePort,
  };
}

export function redactTokens(url: string): string {
  return url.replace(/([?&]token=)[^&#]*/gi, '$1[REDACTED]');
}
