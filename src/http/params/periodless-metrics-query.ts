import { DEFAULT_METRICS_LIMIT, MAX_METRICS_LIMIT } from './beta-tester-usages-query.js';
import { limitRule, parseQuery, type QueryPairs } from './query-params.js';

/**
 * The query of the metrics operations that declare `limit` only (builds_betaBuildUsages_getMetrics,
 * betaGroups_publicLinkUsages_getMetrics): their one group never pages, so no `cursor` either; any other
 * parameter is PARAMETER_ERROR.ILLEGAL (docs/apple-behavior.md, §2 and §7).
 */
export interface PeriodlessMetricsQuery {
  readonly limit: number;
  readonly echo: ReadonlyArray<readonly [string, string]>;
}

const RULES = { limit: limitRule(MAX_METRICS_LIMIT) };

/** Throws ApiError (400) listing every problem. */
export function parsePeriodlessMetricsQuery(pairs: QueryPairs): PeriodlessMetricsQuery {
  const { values, echo } = parseQuery(pairs, RULES);
  return { limit: values.limit ?? DEFAULT_METRICS_LIMIT, echo };
}
