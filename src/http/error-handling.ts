import type { FastifyError, FastifyInstance } from 'fastify';
import { ApiError } from '../errors/api-error.js';
import { pathNotFound, serviceUnavailable, unexpectedError } from '../errors/api-errors.js';
import { StoreUnavailableError } from '../domain/store-problems.js';
import { RendersBusy } from '../services/screenshot-renditions.js';
import { sendApiError } from './error-response.js';
import { problemAnswer } from './problem-answer.js';

/**
 * Every failure leaves as Apple's ErrorResponse: ApiErrors as they are, the services' typed problems in their
 * Apple form, Fastify's own 4xx as ENTITY_ERROR, anything else as UNEXPECTED_ERROR (logged with its stack,
 * never shown to the client).
 */
export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const answer = toApiError(error);
    // Expected while it lasts, and the cause says all: one line, no stack.
    if (error instanceof StoreUnavailableError)
      request.log.warn({ cause: error.cause }, 'the database cannot serve now: answered 503');
    else if (error instanceof RendersBusy)
      request.log.warn('every render slot and queue place is taken: answered 503');
    else if (answer.status >= 500) request.log.error({ err: error }, 'unexpected error');
    else if (!(error instanceof ApiError) && problemAnswer(error) === undefined)
      request.log.info({ code: error.code }, 'request refused by the HTTP layer');
    return sendApiError(reply, answer);
  });

  // Reached only after authentication: the onRequest hooks run for unknown paths too (order of checks,
  // docs/apple-behavior.md, §4: 401 before 404 PATH_ERROR).
  app.setNotFoundHandler(async () => {
    throw pathNotFound();
  });
}

/**
 * What the client is told about `error`: ApiErrors as they are, the services' problems as problemAnswer says,
 * Fastify's 4xx as body errors, else 500.
 */
export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  const problem = problemAnswer(error);
  if (problem !== undefined) return problem;
  if (error instanceof StoreUnavailableError) return serviceUnavailable();
  const status = (error as Partial<FastifyError> | undefined)?.statusCode;
  return status !== undefined && status >= 400 && status < 500
    ? bodyError(error as FastifyError)
    : unexpectedError();
}

/** Fastify's own errors are about the request body; say which without echoing its contents. */
function bodyError(error: FastifyError): ApiError {
  switch (error.code) {
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return ApiError.of(
        'UNSUPPORTED_MEDIA_TYPE',
        'The request body has a content type this resource does not accept; send application/json or application/x-ndjson',
      );
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return ApiError.of(
        'REQUEST_ENTITY_TOO_LARGE',
        'The request body is larger than this resource accepts; send smaller batches',
      );
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return ApiError.of('ENTITY_ERROR', 'The request body is not valid JSON');
    case 'Z_DATA_ERROR':
    case 'Z_BUF_ERROR':
      return ApiError.of('ENTITY_ERROR', 'The request body is not valid gzip data');
    default:
      return ApiError.of('ENTITY_ERROR', 'The request could not be read');
  }
}
