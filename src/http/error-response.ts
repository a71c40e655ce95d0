import { randomUUID } from 'node:crypto';
import type { FastifyReply } from 'fastify';
import type { ApiError } from '../errors/api-error.js';
import { ERROR_CATALOG } from '../errors/catalog.js';

/**
 * The one serializer of errors: Apple's ErrorResponse, `status` as a string, a fresh `id` per error, members in
 * the live service's order (apple-behavior.md §4).
 */
export function errorResponseBody(error: ApiError) {
  return {
    errors: error.items.map((item) => ({
      id: randomUUID(),
      status: String(error.status),
      code: item.code,
      title: ERROR_CATALOG[item.code].title,
      detail: item.detail,
      ...(item.source !== undefined && { source: item.source }),
    })),
  };
}

export function sendApiError(reply: FastifyReply, error: ApiError): FastifyReply {
  return reply.code(error.status).headers(error.headers).send(errorResponseBody(error));
}
