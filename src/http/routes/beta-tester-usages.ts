import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { parseBetaTesterUsagesQuery } from '../../domain/beta-tester-usages-query.js';
import { resourceNotFound } from '../../errors/api-errors.js';
import type { Services } from '../../services/services.js';
import { requireTestFlightReader } from '../access-control.js';
import { linkTo, pagedLinks, type PublicBaseUrl } from '../links.js';
import { queryPairs } from '../query-string.js';
import { AppsBetaTesterUsagesV1MetricResponse } from '../schemas/beta-tester-usages.js';
import { apiRoute } from './api-route.js';

export interface BetaTesterUsagesRouteDeps {
  readonly services: Services;
  readonly baseUrl: PublicBaseUrl;
}

type AppRequest = FastifyRequest<{ Params: { id: string } }>;

/**
 * GET /v1/apps/{id}/metrics/betaTesterUsages — Apple's operationId `apps_betaTesterUsages_getMetrics`.
 * Checks in the live service's order: the app exists (404), the key may read TestFlight (403), then the
 * parameters (400).
 */
export function appsBetaTesterUsagesGetMetrics(deps: BetaTesterUsagesRouteDeps) {
  return async (request: AppRequest, _reply: FastifyReply): Promise<AppsBetaTesterUsagesV1MetricResponse> => {
    const appId = request.params.id;
    if ((await deps.services.apps.find(appId)) === undefined) throw resourceNotFound('apps', appId);
    requireTestFlightReader(request);
    const query = parseBetaTesterUsagesQuery(queryPairs(request));
    const report = await deps.services.betaTesterUsages.readBetaTesterUsages(appId, query);

    const base = deps.baseUrl(request);
    const path = `/v1/apps/${encodeURIComponent(appId)}/metrics/betaTesterUsages`;
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
      links: pagedLinks(base, path, query.echo, report.nextCursor),
      meta: { paging: { total: report.total, limit: report.limit } },
    };
  };
}

export function betaTesterUsagesRoutes(app: FastifyInstance, deps: BetaTesterUsagesRouteDeps): void {
  apiRoute(
    app,
    '/v1/apps/:id/metrics/betaTesterUsages',
    AppsBetaTesterUsagesV1MetricResponse,
    appsBetaTesterUsagesGetMetrics(deps),
  );
}
