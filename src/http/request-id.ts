import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * A request's id, its answer's `X-Request-ID` and its log lines' `requestId`: the caller's, when it sent a sane
 * one, else a fresh UUID. Fastify's `genReqId` (main/create-app.ts) and the answer replay (answer-replay.ts) both
 * take it from here.
 */
export function requestIdOf(request: IncomingMessage): string {
  const sent = request.headers['x-request-id'];
  return typeof sent === 'string' && REQUEST_ID.test(sent) ? sent : randomUUID();
}
