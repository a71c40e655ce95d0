import type { KeptReads } from '../../services/services.js';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { UsageWindow } from '../../domain/period.js';
import { resourceNotFound } from '../../errors/api-errors.js';
import { requireTestFlightReader } from '../access-control.js';
import { pagedLinks } from '../links.js';
import { pageCache } from '../page-cache.js';
import { metricsQueryReader } from '../params/metrics-query.js';
import { queryPairs } from '../query-string.js';
import type { BetaTesterUsagesRouteDeps } from './beta-tester-usages.js';
import { sendCachedMetrics } from './metrics-answer.js';

/** What a report of one item says: its window, its values, and the freshness it was read at. */
export interface SingleItemReport<Values> {
  readonly window: UsageWindow;
  readonly values: Values;
  readonly freshness: string;
}

/** One metrics operation whose answer is a single item over a year, of one resource (a build, a beta group). */
export interface SingleItemMetrics<Values, ItemType extends string> {
  /** Apple's operationId. */
  readonly operationId: string;
  /** The resource the path names (`builds`), for its 404. */
  readonly resourceType: string;
  /** The path's last segment (`betaBuildUsages`). */
  readonly metric: string;
  /** The item's `type`. */
  readonly itemType: ItemType;
  /** The resource's freshness now; undefined when there is no such resource. */
  freshness(deps: BetaTesterUsagesRouteDeps, id: string): Promise<string | undefined>;
  /** The same from what the store keeps alone (answer-replay.ts, `Recheck`). */
  keptFreshness(deps: BetaTesterUsagesRouteDeps, id: string, kept: KeptReads): string | undefined;
  read(deps: BetaTesterUsagesRouteDeps, id: string): Promise<SingleItemReport<Values> | undefined>;
}

/**
 * The handler of a single-item metrics operation (`builds_betaBuildUsages_getMetrics`,
 * `betaGroups_publicLinkUsages_getMetrics`; docs/apple-behavior.md, §7 and §11): the resource exists (404), the
 * key may read TestFlight (403), then `limit`, the only declared parameter (400); the one item never pages. The
 * answer is kept and replayed as the rest of the family's (metrics-answer.ts).
 */
export function singleItemMetricsHandler<Values, ItemType extends string>(
  deps: BetaTesterUsagesRouteDeps,
  metrics: SingleItemMetrics<Values, ItemType>,
) {
  const cache = deps.pageCache ?? pageCache();
  const readQuery = metricsQueryReader(metrics.operationId, { pages: false });
  return async (
    request: FastifyRequest<{ Params: { id: string } }>,
    reply: FastifyReply,
  ): Promise<FastifyReply> => {
    const id = request.params.id;
    const recheck = () => metrics.freshness(deps, id);
    const freshness = await recheck();
    if (freshness === undefined) throw resourceNotFound(metrics.resourceType, id);
    requireTestFlightReader(request);
    const base = deps.baseUrl(request);
    const query = readQuery.read(queryPairs(request));
    const path = `/v1/${metrics.resourceType}/${encodeURIComponent(id)}/metrics/${metrics.metric}`;
    return sendCachedMetrics(
      cache,
      reply,
      { path, base, echo: query.echo },
      { now: freshness, recheck, keptFreshness: (kept) => metrics.keptFreshness(deps, id, kept) },
      async () => {
        const report = await metrics.read(deps, id);
        if (report === undefined) throw resourceNotFound(metrics.resourceType, id);
        const document = {
          data: [
            {
              type: metrics.itemType,
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
