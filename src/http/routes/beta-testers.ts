import type { FastifyInstance, FastifyRequest } from 'fastify';
import { furthestState } from '../../domain/tester-state.js';
import { resourceNotFound } from '../../errors/api-errors.js';
import type { Services } from '../../services/services.js';
import type { TesterWithStates } from '../../domain/records/tester.js';
import { requireTestFlightReader } from '../access-control.js';
import { betaTestersCursorScope } from '../cursor-scopes.js';
import { linkTo, pagedLinks, type PublicBaseUrl } from '../links.js';
import {
  type BetaTesterField,
  parseBetaTesterQuery,
  parseBetaTestersQuery,
} from '../params/resource-queries.js';
import { queryPairs } from '../query-string.js';
import { type BetaTester, BetaTesterResponse, BetaTestersResponse } from '../schemas/resources.js';
import { apiRoute } from './api-route.js';
import { sparseAttributes } from './sparse-attributes.js';

export interface BetaTestersRouteDeps {
  readonly services: Services;
  readonly baseUrl: PublicBaseUrl;
}

/** GET /v1/betaTesters — Apple's operationId `betaTesters_getCollection`. */
export function betaTestersGetCollection(deps: BetaTestersRouteDeps) {
  return async (request: FastifyRequest) => {
    requireTestFlightReader(request);
    const query = parseBetaTestersQuery(queryPairs(request));
    const page = await deps.services.betaTesters.list({
      appIds: query.appIds,
      emails: query.emails,
      ids: query.ids,
      limit: query.limit,
      after: query.cursor,
      scope: betaTestersCursorScope(query),
    });
    const base = deps.baseUrl(request);
    return {
      data: page.rows.map((tester) => testerResource(base, tester, query.fields, query.appIds)),
      links: pagedLinks(base, '/v1/betaTesters', query.echo, page.next),
      meta: { paging: { total: page.total, limit: query.limit } },
    };
  };
}

/** GET /v1/betaTesters/{id} — Apple's operationId `betaTesters_getInstance`; where `links.related` points. */
export function betaTestersGetInstance(deps: BetaTestersRouteDeps) {
  return async (request: FastifyRequest<{ Params: { id: string } }>) => {
    const tester = await deps.services.betaTesters.find(request.params.id);
    if (tester === undefined) throw resourceNotFound('betaTesters', request.params.id);
    requireTestFlightReader(request);
    const query = parseBetaTesterQuery(queryPairs(request));
    const base = deps.baseUrl(request);
    return {
      data: testerResource(base, tester, query.fields, undefined),
      links: { self: linkTo(base, `/v1/betaTesters/${encodeURIComponent(tester.id)}`, query.echo) },
    };
  };
}

export function betaTesterRoutes(app: FastifyInstance, deps: BetaTestersRouteDeps): void {
  apiRoute(
    app,
    'betaTesters_getCollection',
    '/v1/betaTesters',
    BetaTestersResponse,
    betaTestersGetCollection(deps),
  );
  apiRoute(
    app,
    'betaTesters_getInstance',
    '/v1/betaTesters/:id',
    BetaTesterResponse,
    betaTestersGetInstance(deps),
  );
}

/**
 * A tester's `state` is per app here, one value in Apple's resource: the state in the apps the request filters
 * on, else in all the tester's apps; the furthest along when there are several.
 */
function testerResource(
  base: string,
  tester: TesterWithStates,
  fields: readonly BetaTesterField[] | undefined,
  appIds: readonly string[] | undefined,
): BetaTester {
  const memberships =
    appIds === undefined ? tester.apps : tester.apps.filter((m) => appIds.includes(m.appId));
  return {
    type: 'betaTesters',
    id: tester.id,
    attributes: sparseAttributes(
      {
        firstName: tester.firstName,
        lastName: tester.lastName,
        email: tester.email,
        inviteType: tester.inviteType,
        state: furthestState(memberships.map((m) => m.state)),
      },
      fields,
    ),
    links: { self: `${base}/v1/betaTesters/${encodeURIComponent(tester.id)}` },
  };
}
