import type { FastifyReply, FastifyRequest } from 'fastify';
import { visibleText } from '../../domain/visible-text.js';
import { ApiError } from '../../errors/api-error.js';
import {
  forbidden,
  ingestionBusy,
  ingestKeyRefused,
  invalidCursorItem,
  invalidParameterItem,
  notAuthorized,
  pathNotFound,
  rateLimitExceeded,
  resourceNotFound,
  serviceUnavailable,
  stateConflict,
  unexpectedError,
} from '../../errors/api-errors.js';
import { queryPairs } from '../query-string.js';
import type { FaultStatus } from './fault.js';

/** Apple's documented hourly budget, for a forced 429 of a server that counts none (`--rate-limit 0`). */
const APPLE_HOURLY_LIMIT = 3600;
/** As query-params.ts echoes a value: at most this many characters. */
const MAX_ECHOED_VALUE = 256;

/** What a forced answer needs to know of the server that a request does not say. */
export interface FaultAnswerContext {
  /** Ingestion's batches in flight per app (`--ingest-max-concurrent`), which its own 429 names. */
  readonly maxConcurrentBatches: number;
}

/**
 * The error a forced `status` answers with: the same code, texts and headers as the real failure of this
 * route (docs/errors.md), so a client cannot tell them apart. Headers of the reply that the real failure
 * would not carry are taken off (a 401 is answered before the rate limit counts, so it has no X-Rate-Limit).
 */
export function forcedError(
  status: FaultStatus,
  request: FastifyRequest,
  reply: FastifyReply,
  context: FaultAnswerContext,
): ApiError {
  const ingestion = request.routeOptions.config.authentication === 'ingestKey';
  switch (status) {
    case 400:
      return invalidParameter(request);
    case 401:
      reply.removeHeader('x-rate-limit');
      return ingestion ? ingestKeyRefused() : notAuthorized();
    case 403:
      return forbidden();
    case 404:
      return missingResource(request);
    case 409:
      return stateConflict();
    case 429:
      if (ingestion) return ingestionBusy(context.maxConcurrentBatches);
      reply.header('x-rate-limit', spentBudget(reply.getHeader('x-rate-limit')));
      return rateLimitExceeded();
    case 500:
      return unexpectedError();
    case 503:
      return serviceUnavailable();
  }
}

/** The 400 of a cursor that is no longer valid, for the request's own cursor; undefined when it has none. */
export function staleCursorError(request: FastifyRequest): ApiError | undefined {
  const cursor = queryPairs(request).find(([name]) => name === 'cursor')?.[1];
  return cursor === undefined ? undefined : new ApiError([invalidCursorItem(echoed(cursor))]);
}

/** PARAMETER_ERROR.INVALID for the request's first parameter (or, without any, for `limit`). */
function invalidParameter(request: FastifyRequest): ApiError {
  const [name, value] = queryPairs(request)[0] ?? ['limit', ''];
  return new ApiError([invalidParameterItem(name, echoed(value))]);
}

/** NOT_FOUND for the resource the path names by id (`/v1/apps/{id}/...`); a path without one: PATH_ERROR. */
function missingResource(request: FastifyRequest): ApiError {
  const segments = (request.routeOptions.url ?? '').split('/');
  const at = segments.indexOf(':id');
  const type = at > 0 ? segments[at - 1] : undefined;
  const id = (request.params as { id?: unknown } | undefined)?.id;
  return type !== undefined && typeof id === 'string' ? resourceNotFound(type, id) : pathNotFound();
}

/** The budget header with nothing left, of the limit the real header names (docs/apple-behavior.md, §6). */
function spentBudget(header: unknown): string {
  const limit = /user-hour-lim:(\d+);/.exec(String(header ?? ''))?.[1] ?? String(APPLE_HOURLY_LIMIT);
  return `user-hour-lim:${limit};user-hour-rem:0;`;
}

function echoed(value: string): string {
  return visibleText(value.length > MAX_ECHOED_VALUE ? `${value.slice(0, MAX_ECHOED_VALUE)}…` : value);
}
