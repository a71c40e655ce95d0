import type { FastifyRequest } from 'fastify';

/**
 * How a request appears in the log (Fastify's own fields), with the value of any `token` or `signature` query
 * parameter replaced: a dashboard sign-in link carries its one-time token there, a screenshot URL the
 * signature that lets anyone fetch it (docs/apple-behavior.md, §12), and no credential goes to a log.
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
  return url.replace(/([?&](?:token|signature)=)[^&#]*/gi, '$1[REDACTED]');
}
