import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Static, TSchema } from 'typebox';
import { methodNotAllowed } from '../../errors/api-errors.js';

const READ_METHODS = ['GET', 'HEAD'];
const OTHER_METHODS = ['POST', 'PUT', 'PATCH', 'DELETE'] as const;

/**
 * Registers an API resource: GET (and HEAD) with its 200 body schema, counted against the key's rate limit,
 * and 405 in Apple's error shape for every other method. The GET route carries Apple's operationId (the journal and
 * test controls name routes by it; the 405 answers no operation). The schema serializes the body (members in its
 * order, nothing else) and types the handler's result, so the two cannot drift apart.
 */
export function apiRoute<Response extends TSchema, Params>(
  app: FastifyInstance,
  /** Apple's operationId of the GET, the name its handler is named after (`apps_getCollection`). */
  operationId: string,
  url: string,
  response: Response,
  /** Answers the body (serialized by the schema), or sends it already serialized and answers the reply. */
  handler: (
    request: FastifyRequest<{ Params: Params }>,
    reply: FastifyReply,
  ) => Promise<Static<Response> | FastifyReply>,
  /** The methods a write route answers at the same URL (resources/write-routes.ts): not 405, and in `Allow`. */
  writeMethods: readonly string[] = [],
): void {
  app.route<{ Params: Params }>({
    method: 'GET',
    url,
    schema: { response: { 200: response } },
    config: { rateLimited: true, operationId },
    handler,
  });
  const allowed = [...READ_METHODS, ...writeMethods];
  app.route({
    method: OTHER_METHODS.filter((method) => !writeMethods.includes(method)),
    url,
    handler: async (request) => {
      throw methodNotAllowed(request.method, allowed);
    },
  });
}
