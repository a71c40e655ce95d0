import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { resourceNotFound } from '../../errors/api-errors.js';
import type { BetaTesterUsagesReport } from '../../services/beta-tester-usages.js';
import type { Services } from '../../services/services.js';
import { requireTestFlightReader } from '../access-control.js';
import { betaTesterUsagesCursorScope } from '../cursor-scopes.js';
import { linkTo, pagedLinks, type PublicBaseUrl } from '../links.js';
import { type PageCache, pageCache } from '../page-cache.js';
import { betaTesterUsagesQueryParser } from '../params/beta-tester-usages-query.js';
import { queryPairs } from '../query-string.js';
import { AppsBetaTesterUsagesV1MetricResponse } from '../schemas/beta-tester-usages.js';
import { apiRoute } from './api-route.js';
import { sendCachedMetrics } from './metrics-answer.js';

export interface BetaTesterUsagesRouteDeps {
  readonly services: Services;
  readonly baseUrl: PublicBaseUrl;
  /** Where serialized answers are kept (a fresh cache per app when absent). */
  readonly pageCache?: PageCache;
}

type AppRequest = FastifyRequest<{ Params: { id: string } }>;

/**
 * GET /v1/apps/{id}/metrics/betaTesterUsages — Apple's operationId `apps_betaTesterUsages_getMetrics`.
 * Checks in the live service's order: the app exists (404), the key may read TestFlight (403), then the
 * parameters (400). An answer is kept serialized with the app's freshness (data version and report date) and
 * served again while the freshness is the same, for the same query as read (its parameters in the client's
 * order, as `links.self` writes them) and the same base URL (metrics-answer.ts): byte for byte what computing
 * it again would give, cursors and links included.
 */
export function appsBetaTesterUsagesGetMetrics(deps: BetaTesterUsagesRouteDeps) {
  const cache = deps.pageCache ?? pageCache();
  const parseQuery = betaTesterUsagesQueryParser('apps_betaTesterUsages_getMetrics');
  return async (request: AppRequest, reply: FastifyReply): Promise<FastifyReply> => {
    const appId = request.params.id;
    const recheck = () => deps.services.betaTesterUsages.freshness(appId);
    const freshness = await recheck();
    if (freshness === undefined) throw resourceNotFound('apps', appId);
    requireTestFlightReader(request);
    const base = deps.baseUrl(request);
    const query = parseQuery(queryPairs(request));
    const path = `/v1/apps/${encodeURIComponent(appId)}/metrics/betaTesterUsages`;
    return sendCachedMetrics(
      cache,
      reply,
      { path, base, echo: query.echo },
      {
        now: freshness,
        recheck,
        keptFreshness: (kept) => deps.services.betaTesterUsages.keptFreshness(appId, kept),
      },
      async () => {
        const report = await deps.services.betaTesterUsages.readBetaTesterUsages(appId, {
          period: query.period,
          ...(query.testerId !== undefined && { testerId: query.testerId }),
          limit: query.limit,
          ...(query.cursor !== undefined && { after: query.cursor }),
          scope: betaTesterUsagesCursorScope(appId, query),
        });
        return {
          freshness: report.freshness,
          document: testerUsagesDocument(base, path, query.echo, report),
        };
      },
    );
  };
}

/**
 * The body of a per-tester report, the app's or a beta group's (both AppsBetaTesterUsagesV1MetricResponse):
 * `path` is the report's own, which `self`, `next` and each dimension's `groupBy` link point at.
 */
export function testerUsagesDocument(
  base: string,
  path: string,
  echo: ReadonlyArray<readonly [string, string]>,
  report: BetaTesterUsagesReport,
): AppsBetaTesterUsagesV1MetricResponse {
  const groupBy = linkTo(base, path, [['groupBy', 'betaTesters']]);
  return {
    data: report.rows.map((row) => ({
      type: 'appsBetaTesterUsages' as const,
      dataPoints: [{ start: report.window.start, end: report.window.end, values: row.values }],
      dimensions: {
        betaTesters: {
          data: { type: 'betaTesters' as const, id: row.testerId },
          links: { related: `${base}/v1/betaTesters/${encodeURIComponent(row.testerId)}`, groupBy },
        },
      },
    })),
    links: pagedLinks(base, path, echo, report.next),
    meta: { paging: { total: report.total, limit: report.limit } },
  };
}

export function betaTesterUsagesRoutes(app: FastifyInstance, deps: BetaTesterUsagesRouteDeps): void {
  apiRoute(
    app,
    'apps_betaTesterUsages_getMetrics',
    '/v1/apps/:id/metrics/betaTesterUsages',
    AppsBetaTesterUsagesV1MetricResponse,
    appsBetaTesterUsagesGetMetrics(deps),
  );
}
