import { randomUUID } from 'node:crypto';
import type { FastifyReply } from 'fastify';
import type { ApiError, ErrorItem } from '../errors/api-error.js';
import { ERROR_CATALOG } from '../errors/catalog.js';

/**
 * At most this many problems are listed in one answer; one more item then says how many were left out. A
 * batch of 1,000 bad events, or a query of hundreds of bad parameters, would otherwise make an answer many
 * times the size of its request (docs/errors.md).
 */
export const MAX_LISTED_ERRORS = 100;

/** The problems an answer lists: the first MAX_LISTED_ERRORS, then one (of the first's code) that counts the rest. */
export function listedProblems(error: ApiError): readonly ErrorItem[] {
  const more = error.items.length - MAX_LISTED_ERRORS;
  if (more <= 0) return error.items;
  return [
    ...error.items.slice(0, MAX_LISTED_ERRORS),
    {
      code: error.items[0]?.code ?? 'ENTITY_ERROR',
      detail: `${more} more ${more === 1 ? 'problem is' : 'problems are'} not listed (an answer lists at most ${MAX_LISTED_ERRORS}); fix these and send the request again`,
    },
  ];
}

/**
 * The one serializer of errors: Apple's ErrorResponse, `status` as a string, a fresh `id` per error, members in
 * the live service's order (docs/apple-behavior.md, §4), at most MAX_LISTED_ERRORS problems and a count of the rest.
 */
export function errorResponseBody(error: ApiError) {
  return {
    errors: listedProblems(error).map((item) => ({
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
