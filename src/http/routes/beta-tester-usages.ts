import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { resourceNotFound } from '../../errors/api-errors.js';
import type { BetaTesterUsagesReport } from '../../services/beta-tester-usages.js';
import type { Services } from '../../services/services.js';
import { requireTestFlightReader } from '../access-control.js';
import { betaTesterUsagesCursorScope } from '../cursor-scopes.js';
import { linkTo, nextPageQuery, pagedLinks, type PublicBaseUrl } from '../links.js';
import { type PageCache, pageCache } from '../page-cache.js';
import {
  type BetaTesterUsagesQuery,
  betaTesterUsagesQueryParser,
} from '../params/beta-tester-usages-query.js';
import type { QueryPairs } from '../params/query-params.js';
import { queryPairs } from '../query-string.js';
import { AppsBetaTesterUsagesV1MetricResponse } from '../schemas/beta-tester-usages.js';
import { apiRoute } from './api-route.js';
import { type MetricsComputation, type NextPage, sendCachedMetrics } from './metrics-answer.js';

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
    const computePage = pagesOf(base, path, parseQuery, (page) =>
      deps.services.betaTesterUsages.readBetaTesterUsages(appId, {
        period: page.period,
        ...(page.testerId !== undefined && { testerId: page.testerId }),
        limit: page.limit,
        ...(page.cursor !== undefined && { after: page.cursor }),
        scope: betaTesterUsagesCursorScope(appId, page),
      }),
    );
    return sendCachedMetrics(
      cache,
      reply,
      { path, base, echo: query.echo },
      {
        now: freshness,
        recheck,
        keptFreshness: (kept) => deps.services.betaTesterUsages.keptFreshness(appId, kept),
      },
      computePage(query),
    );
  };
}

/**
 * How a per-tester report's pages are computed (the app's or a beta group's): `read` gives a page's report, and a
 * page asked with a cursor names the next one (its `next` link's query, read as its request will be) to be read
 * ahead (metrics-answer.ts, readAhead).
 */
export function pagesOf(
  base: string,
  path: string,
  parseQuery: (pairs: QueryPairs) => BetaTesterUsagesQuery,
  read: (query: BetaTesterUsagesQuery) => Promise<BetaTesterUsagesReport>,
) {
  const computePage = (query: BetaTesterUsagesQuery) => async (): Promise<MetricsComputation> => {
    const report = await read(query);
    const next = report.next;
    return {
      freshness: report.freshness,
      document: testerUsagesDocument(base, path, query.echo, report),
      ...(query.cursor !== undefined &&
        next !== undefined && {
          next: (): NextPage => {
            const nextQuery = parseQuery(nextPageQuery(query.echo, next));
            return { asked: { path, base, echo: nextQuery.echo }, compute: computePage(nextQuery) };
          },
        }),
    };
  };
  return computePage;
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
