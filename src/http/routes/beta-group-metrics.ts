import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { resourceNotFound } from '../../errors/api-errors.js';
import { requireTestFlightReader } from '../access-control.js';
import { groupBetaTesterUsagesCursorScope } from '../cursor-scopes.js';
import { pageCache } from '../page-cache.js';
import { betaTesterUsagesQueryParser } from '../params/beta-tester-usages-query.js';
import { queryPairs } from '../query-string.js';
import { AppsBetaTesterUsagesV1MetricResponse } from '../schemas/beta-tester-usages.js';
import { BetaPublicLinkUsagesV1MetricResponse } from '../schemas/sibling-metrics.js';
import { apiRoute } from './api-route.js';
import { type BetaTesterUsagesRouteDeps, pagesOf } from './beta-tester-usages.js';
import { sendCachedMetrics } from './metrics-answer.js';
import { singleItemMetricsHandler } from './single-item-metrics.js';

type GroupRequest = FastifyRequest<{ Params: { id: string } }>;

/**
 * GET /v1/betaGroups/{id}/metrics/betaTesterUsages — Apple's `betaGroups_betaTesterUsages_getMetrics`: the
 * app's report (same parameters, shape and checks: docs/apple-behavior.md, §1 to §4 and §7) over the group's
 * members who installed the group's app. The group's freshness is its app's, which every change of its members
 * raises.
 */
export function betaGroupsBetaTesterUsagesGetMetrics(deps: BetaTesterUsagesRouteDeps) {
  const cache = deps.pageCache ?? pageCache();
  const parseQuery = betaTesterUsagesQueryParser('betaGroups_betaTesterUsages_getMetrics');
  return async (request: GroupRequest, reply: FastifyReply): Promise<FastifyReply> => {
    const groupId = request.params.id;
    const recheckGroup = async () =>
      (await deps.services.betaTesterUsages.groupFreshness(groupId))?.freshness;
    const group = await deps.services.betaTesterUsages.groupFreshness(groupId);
    if (group === undefined) throw resourceNotFound('betaGroups', groupId);
    requireTestFlightReader(request);
    const base = deps.baseUrl(request);
    const query = parseQuery(queryPairs(request));
    const path = `/v1/betaGroups/${encodeURIComponent(groupId)}/metrics/betaTesterUsages`;
    const computePage = pagesOf(base, path, parseQuery, (page) =>
      deps.services.betaTesterUsages.readBetaTesterUsages(group.appId, {
        period: page.period,
        groupId,
        ...(page.testerId !== undefined && { testerId: page.testerId }),
        limit: page.limit,
        ...(page.cursor !== undefined && { after: page.cursor }),
        scope: groupBetaTesterUsagesCursorScope(groupId, page),
      }),
    );
    return sendCachedMetrics(
      cache,
      reply,
      { path, base, echo: query.echo },
      {
        now: group.freshness,
        recheck: recheckGroup,
        keptFreshness: (kept) => deps.services.betaTesterUsages.keptGroupFreshness(groupId, kept),
      },
      computePage(query),
    );
  };
}

/**
 * GET /v1/betaGroups/{id}/metrics/publicLinkUsages — Apple's `betaGroups_publicLinkUsages_getMetrics`: one item
 * with what the group's public link saw over a year (docs/apple-behavior.md, §7 and §11). Only `limit` is
 * declared; the one group never pages.
 */
export function betaGroupsPublicLinkUsagesGetMetrics(deps: BetaTesterUsagesRouteDeps) {
  return singleItemMetricsHandler(deps, {
    operationId: 'betaGroups_publicLinkUsages_getMetrics',
    resourceType: 'betaGroups',
    metric: 'publicLinkUsages',
    itemType: 'betaPublicLinkUsages',
    freshness: (routeDeps, groupId) => routeDeps.services.publicLinkUsages.freshness(groupId),
    keptFreshness: (routeDeps, groupId, kept) =>
      routeDeps.services.publicLinkUsages.keptFreshness(groupId, kept),
    read: (routeDeps, groupId) => routeDeps.services.publicLinkUsages.readPublicLinkUsages(groupId),
  });
}

export function betaGroupMetricsRoutes(app: FastifyInstance, deps: BetaTesterUsagesRouteDeps): void {
  apiRoute(
    app,
    'betaGroups_betaTesterUsages_getMetrics',
    '/v1/betaGroups/:id/metrics/betaTesterUsages',
    AppsBetaTesterUsagesV1MetricResponse,
    betaGroupsBetaTesterUsagesGetMetrics(deps),
  );
  apiRoute(
    app,
    'betaGroups_publicLinkUsages_getMetrics',
    '/v1/betaGroups/:id/metrics/publicLinkUsages',
    BetaPublicLinkUsagesV1MetricResponse,
    betaGroupsPublicLinkUsagesGetMetrics(deps),
  );
}
