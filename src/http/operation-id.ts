import type { FastifyRequest } from 'fastify';

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * The operation a route answers: Apple's operationId where Apple's spec has one (`apps_getCollection`,
     * the handler's name with its parts joined by `_`), ours in the same style otherwise
     * (`ingestEvents_create`). The request journal records it and fault rules match on it. Absent on routes
     * that answer no operation (405 for other methods, health, metrics, the dashboard, the test controls),
     * which are never faulted.
     */
    operationId?: string;
  }
}

/** The operation of the route a request matched; undefined for unmatched paths and routes without one. */
export function operationIdOf(request: FastifyRequest): string | undefined {
  return request.routeOptions.config.operationId;
}
