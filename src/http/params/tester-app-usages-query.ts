import type { PeriodCode } from '../../domain/period.js';
import type { CursorToken } from '../../services/cursor-token.js';
import { metricsQueryReader } from './metrics-query.js';
import type { QueryPairs } from './query-params.js';

/**
 * The query of GET /v1/betaTesters/{id}/metrics/betaTesterUsages (Apple's betaTesters_betaTesterUsages_getMetrics:
 * `period`, `filter[apps]` required, `limit`; `cursor` from our own `next` links), read under
 * docs/apple-behavior.md, §2 and §7.
 */
export interface TesterAppUsagesQuery {
  readonly period: PeriodCode;
  /** `filter[apps]`: the apps to report, one group each (a comma-separated list, as every filter of the API). */
  readonly appIds: readonly string[];
  readonly limit: number;
  readonly cursor?: CursorToken;
  /** The query as `links.self` writes it back: the client's order, `period` as PT...H. */
  readonly echo: ReadonlyArray<readonly [string, string]>;
}

/** The parser of the tester's query; throws ApiError (400) listing every problem. */
export function testerAppUsagesQueryParser(): (pairs: QueryPairs) => TesterAppUsagesQuery {
  const reader = metricsQueryReader('betaTesters_betaTesterUsages_getMetrics', {
    pages: true,
    lists: ['filter[apps]'],
  });
  return (pairs) => {
    const query = reader.read(pairs);
    return {
      period: query.period,
      appIds: query.filters.get('apps') ?? [],
      limit: query.limit,
      ...(query.cursor !== undefined && { cursor: query.cursor }),
      echo: query.echo,
    };
  };
}
