import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { resourceNotFound } from '../../errors/api-errors.js';
import { requireTestFlightReader } from '../access-control.js';
import { pagedLinks } from '../links.js';
import { pageCache } from '../page-cache.js';
import { metricsQueryReader } from '../params/metrics-query.js';
import { queryPairs } from '../query-string.js';
import { BetaBuildUsagesV1MetricResponse } from '../schemas/sibling-metrics.js';
import { apiRoute } from './api-route.js';
import type { BetaTesterUsagesRouteDeps } from './beta-tester-usages.js';
import { metricsCacheKey, sendCachedMetrics } from './metrics-answer.js';

/**
 * GET /v1/builds/{id}/metrics/betaBuildUsages — Apple's `builds_betaBuildUsages_getMetrics`: one item with the
 * build's installs, sessions, crashes and feedback over a year and the testers it is given to
 * (docs/apple-behavior.md, §7 and §11). Only `limit` is declared; the one group never pages.
 */
export function buildsBetaBuildUsagesGetMetrics(deps: BetaTesterUsagesRouteDeps) {
  const cache = deps.pageCache ?? pageCache();
  const readQuery = metricsQueryReader('builds_betaBuildUsages_getMetrics', { pages: false });
  return async (
    request: FastifyRequest<{ Params: { id: string } }>,
    reply: FastifyReply,
  ): Promise<FastifyReply> => {
    const buildId = request.params.id;
    const recheck = () => deps.services.buildUsages.freshness(buildId);
    const freshness = await recheck();
    if (freshness === undefined) throw resourceNotFound('builds', buildId);
    requireTestFlightReader(request);
    const base = deps.baseUrl(request);
    const query = readQuery.read(queryPairs(request));
    const path = `/v1/builds/${encodeURIComponent(buildId)}/metrics/betaBuildUsages`;
    return sendCachedMetrics(
      cache,
      reply,
      metricsCacheKey(path, base, query.echo),
      { now: freshness, recheck },
      async () => {
        const report = await deps.services.buildUsages.readBuildUsages(buildId);
        if (report === undefined) throw resourceNotFound('builds', buildId);
        const document: BetaBuildUsagesV1MetricResponse = {
          data: [
            {
              type: 'betaBuildUsages',
              dataPoints: [{ start: report.window.start, end: report.window.end, values: report.values }],
            },
          ],
          links: pagedLinks(base, path, query.echo, undefined),
          meta: { paging: { total: 1, limit: query.limit } },
        };
        return { freshness: report.freshness, document };
      },
    );
  };
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
