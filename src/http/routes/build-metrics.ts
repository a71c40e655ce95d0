import type { FastifyInstance } from 'fastify';
import { BetaBuildUsagesV1MetricResponse } from '../schemas/sibling-metrics.js';
import { apiRoute } from './api-route.js';
import type { BetaTesterUsagesRouteDeps } from './beta-tester-usages.js';
import { singleItemMetricsHandler } from './single-item-metrics.js';

/**
 * GET /v1/builds/{id}/metrics/betaBuildUsages — Apple's `builds_betaBuildUsages_getMetrics`: one item with the
 * build's installs, sessions, crashes and feedback over a year and the testers it is given to
 * (docs/apple-behavior.md, §7 and §11). Only `limit` is declared; the one group never pages.
 */
export function buildsBetaBuildUsagesGetMetrics(deps: BetaTesterUsagesRouteDeps) {
  return singleItemMetricsHandler(deps, {
    operationId: 'builds_betaBuildUsages_getMetrics',
    resourceType: 'builds',
    metric: 'betaBuildUsages',
    itemType: 'betaBuildUsages',
    freshness: (routeDeps, buildId) => routeDeps.services.buildUsages.freshness(buildId),
    keptFreshness: (routeDeps, buildId, kept) => routeDeps.services.buildUsages.keptFreshness(buildId, kept),
    read: (routeDeps, buildId) => routeDeps.services.buildUsages.readBuildUsages(buildId),
  });
}

export function buildMetricsRoutes(app: FastifyInstance, deps: BetaTesterUsagesRouteDeps): void {
  apiRoute(
    app,
    'builds_betaBuildUsages_getMetrics',
    '/v1/builds/:id/metrics/betaBuildUsages',
    BetaBuildUsagesV1MetricResponse,
    buildsBetaBuildUsagesGetMetrics(deps),
  );
}
