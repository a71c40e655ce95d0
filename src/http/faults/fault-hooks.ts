import { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Clock } from '../../domain/clock.js';
import { sendApiError } from '../error-response.js';
import { operationIdOf } from '../operation-id.js';
import { queryPairs, requestPath } from '../query-string.js';
import { FAULT_HEADER, type Fault, parseFaultHeader } from './fault.js';
import { type FaultAnswerContext, forcedError, staleCursorError } from './fault-answers.js';
import type { FaultRules } from './fault-rules.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The fault this request was given, once the faults hook chose one. */
    fault?: Fault;
  }
}

/** `serve --allow-faults`: without these, no fault is ever honoured and the test controls are not there. */
export interface FaultSettings {
  /** The longest latency a fault may add (`--fault-max-latency`, 60 s by default). */
  readonly maxLatencyMs: number;
  /** What `forSeconds` of a rule counts on: the wall clock (the harness's test clock in tests). */
  readonly clock: Clock;
}

export interface FaultHookDeps extends FaultAnswerContext {
  readonly settings: FaultSettings;
  readonly rules: FaultRules;
}

/**
 * Faults on demand (README, "Faults on demand"), after access control: a request of a route with an
 * operationId gets the fault its `X-Beta-Metrics-Fault` header asks for, when its token verified with a key
 * that has the TESTING capability (an ingest key never has), or else the fault of the first rule that fires.
 * Forced answers are sent as the real ones are (same codes, texts, headers, onSend hooks), never logged as
 * failures: each is one info line naming the fault.
 */
export function registerFaultHooks(app: FastifyInstance, deps: FaultHookDeps): void {
  app.addHook('preHandler', async (request, reply) => {
    const operation = operationIdOf(request);
    if (operation === undefined) return;
    const fault = faultFor(request, operation, deps);
    if (fault === undefined) return;
    request.fault = fault;
    if (fault.latencyMs !== undefined && fault.latencyMs > 0) {
      // A client that gives up meanwhile is not answered at all.
      if (!(await waited(fault.latencyMs, reply))) return reply.hijack();
    }
    const error =
      fault.staleCursor === true
        ? staleCursorError(request)
        : fault.status === undefined
          ? undefined
          : forcedError(fault.status, request, reply, deps);
    // Sent here, not thrown: a forced failure is neither logged as an error nor counted as a refused batch.
    if (error !== undefined) return sendApiError(reply, error);
  });

  app.addHook('onSend', async (request, reply, payload) => {
    if (request.fault?.cutBody !== true || request.method === 'HEAD') return payload;
    if (typeof payload !== 'string' && !Buffer.isBuffer(payload)) return payload;
    return cutBody(reply, Buffer.isBuffer(payload) ? payload : Buffer.from(payload));
  });
}

/** The header's fault for a TESTING key, else the first rule's that fires; a bad header is a 400. */
function faultFor(request: FastifyRequest, operation: string, deps: FaultHookDeps): Fault | undefined {
  const header = request.headers[FAULT_HEADER];
  if (request.apiKey?.testing === true && typeof header === 'string') {
    const fault = parseFaultHeader(header, deps.settings.maxLatencyMs);
    request.log.info({ fault, from: 'header' }, 'fault injected');
    return fault;
  }
  const chosen = deps.rules.choose({
    operation,
    keyId: request.apiKey?.keyId ?? request.ingestKey?.id,
    method: request.method,
    path: requestPath(request),
    hasCursor: queryPairs(request).some(([name]) => name === 'cursor'),
  });
  if (chosen === undefined) return undefined;
  request.log.info({ fault: chosen.fault, rule: chosen.ruleId }, 'fault injected');
  return chosen.fault;
}

/** Waits `ms`, unless the connection closes first; answers whether the client is still there. */
async function waited(ms: number, reply: FastifyReply): Promise<boolean> {
  const gone = new AbortController();
  const abort = () => gone.abort();
  reply.raw.once('close', abort);
  try {
    await sleep(ms, undefined, { signal: gone.signal });
    return true;
  } catch {
    return false;
  } finally {
    reply.raw.off('close', abort);
  }
}

/**
 * The answer's headers with its whole Content-Length, then the first half of its body, then the connection
 * closed. Sent as a stream, because Fastify corrects the Content-Length of a buffer (not of a stream) and
 * Node does not hold a response to its Content-Length unless told to; once the half has reached the socket
 * (the response's `finish`), the socket is ended.
 */
function cutBody(reply: FastifyReply, body: Buffer): Readable {
  reply.header('content-length', String(body.length));
  const socket = reply.raw.socket;
  reply.raw.once('finish', () => socket?.end());
  return Readable.from([body.subarray(0, Math.floor(body.length / 2))]);
}
