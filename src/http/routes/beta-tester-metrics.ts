import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { resourceNotFound } from '../../errors/api-errors.js';
import { requireTestFlightReader } from '../access-control.js';
import { testerAppUsagesCursorScope } from '../cursor-scopes.js';
import { pagedLinks } from '../links.js';
import { pageCache } from '../page-cache.js';
import { type TesterAppUsagesQuery, testerAppUsagesQueryParser } from '../params/tester-app-usages-query.js';
import { queryPairs } from '../query-string.js';
import { BetaTesterUsagesV1MetricResponse } from '../schemas/sibling-metrics.js';
import { apiRoute } from './api-route.js';
import type { BetaTesterUsagesRouteDeps } from './beta-tester-usages.js';
import { sendCachedMetrics } from './metrics-answer.js';

/**
 * GET /v1/betaTesters/{id}/metrics/betaTesterUsages — Apple's `betaTesters_betaTesterUsages_getMetrics`: the
 * tester's usage of each app of `filter[apps]` they installed, one item per app, dimension `apps`
 * (docs/apple-behavior.md, §7). The app's rules otherwise: 404 for an unknown tester, 403 by role, then the
 * parameters; the freshness is every filtered app's data version.
 */
export function betaTestersBetaTesterUsagesGetMetrics(deps: BetaTesterUsagesRouteDeps) {
  const cache = deps.pageCache ?? pageCache();
  const parseQuery = testerAppUsagesQueryParser();
  return async (
    request: FastifyRequest<{ Params: { id: string } }>,
    reply: FastifyReply,
  ): Promise<FastifyReply> => {
    const testerId = request.params.id;
    // The freshness reads the versions of the apps the query names, but a 404 and a 403 come before a 400
    // (§4): the query is read first and its problems are thrown after those checks.
    let query: TesterAppUsagesQuery | undefined;
    let problem: unknown;
    try {
      query = parseQuery(queryPairs(request));
    } catch (error) {
      problem = error;
    }
    const recheck = () => deps.services.testerAppUsages.freshness(testerId, query?.appIds ?? []);
    const freshness = await recheck();
    if (freshness === undefined) throw resourceNotFound('betaTesters', testerId);
    requireTestFlightReader(request);
    if (query === undefined) throw problem;
    const base = deps.baseUrl(request);
    const path = `/v1/betaTesters/${encodeURIComponent(testerId)}/metrics/betaTesterUsages`;
    return sendCachedMetrics(
      cache,
      reply,
      { path, base, echo: query.echo },
      {
        now: freshness,
        recheck,
        keptFreshness: (kept) => deps.services.testerAppUsages.keptFreshness(testerId, query.appIds, kept),
      },
      async () => {
        const report = await deps.services.testerAppUsages.readTesterAppUsages(testerId, {
          period: query.period,
          appIds: query.appIds,
          limit: query.limit,
          ...(query.cursor !== undefined && { after: query.cursor }),
          scope: testerAppUsagesCursorScope(testerId, query),
        });
        const document: BetaTesterUsagesV1MetricResponse = {
          data: report.rows.map((row) => ({
            type: 'betaTesterUsages' as const,
            dataPoints: [{ start: report.window.start, end: report.window.end, values: row.values }],
            dimensions: {
              apps: {
                data: { type: 'apps' as const, id: row.appId },
                links: { related: `${base}/v1/apps/${encodeURIComponent(row.appId)}` },
              },
            },
          })),
          links: pagedLinks(base, path, query.echo, report.next),
          meta: { paging: { total: report.total, limit: report.limit } },
        };
        return { freshness: report.freshness, document };
      },
    );
  };
}

export function betaTesterMetricsRoutes(app: FastifyInstance, deps: BetaTesterUsagesRouteDeps): void {
  apiRoute(
    app,
    'betaTesters_betaTesterUsages_getMetrics',
    '/v1/betaTesters/:id/metrics/betaTesterUsages',
    BetaTesterUsagesV1MetricResponse,
    betaTestersBetaTesterUsagesGetMetrics(deps),
  );
}
