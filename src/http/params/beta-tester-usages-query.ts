import type { PeriodCode } from '../../domain/period.js';
import { requiredParameterItem } from '../../errors/api-errors.js';
import type { CursorToken } from '../../services/cursor-token.js';
import { metricsQueryReader } from './metrics-query.js';
import type { QueryPairs } from './query-params.js';

/**
 * The query of GET /v1/apps/{id}/metrics/betaTesterUsages and of a group's (betaGroups_betaTesterUsages_getMetrics
 * declares the same parameters), read under docs/apple-behavior.md, §2.
 */
export interface BetaTesterUsagesQuery {
  readonly period: PeriodCode;
  /** `groupBy=betaTesters` was asked for. */
  readonly groupByTesters: boolean;
  /** `filter[betaTesters]`: only this tester. */
  readonly testerId?: string;
  readonly limit: number;
  /** `cursor`: where the previous page ended. */
  readonly cursor?: CursorToken;
  /** The query as `links.self` writes it back: the client's order, `period` as PT...H. */
  readonly echo: ReadonlyArray<readonly [string, string]>;
}

/** The parser of `operationId`'s query; throws ApiError (400) listing every problem (§2 for each rule). */
export function betaTesterUsagesQueryParser(
  operationId: 'apps_betaTesterUsages_getMetrics' | 'betaGroups_betaTesterUsages_getMetrics',
): (pairs: QueryPairs) => BetaTesterUsagesQuery {
  const reader = metricsQueryReader(operationId, { pages: true });
  return (pairs) => {
    // The page's Tip: "This endpoint requires either groupBy or filter[betaTesters] parameter." The live
    // service also rejects `limit` alone this way. Judged on the names sent, so it is reported together with
    // any other problem (a `groupBy` with a bad value is INVALID, not missing).
    const missing = pairs.some(([name]) => name === 'groupBy' || name === 'filter[betaTesters]')
      ? []
      : [
          requiredParameterItem(
            "This endpoint requires either the 'groupBy' or the 'filter[betaTesters]' parameter",
          ),
        ];
    const query = reader.read(pairs, missing);
    const testerId = query.filters.get('betaTesters')?.[0];
    return {
      period: query.period,
      groupByTesters: query.groupBy !== undefined,
      ...(testerId !== undefined && { testerId }),
      limit: query.limit,
      ...(query.cursor !== undefined && { cursor: query.cursor }),
      echo: query.echo,
    };
  };
}
