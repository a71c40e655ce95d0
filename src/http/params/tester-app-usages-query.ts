import { DEFAULT_PERIOD, type PeriodCode } from '../../domain/period.js';
import { requiredParameterItem } from '../../errors/api-errors.js';
import type { CursorToken } from '../../services/cursor-token.js';
import { DEFAULT_METRICS_LIMIT, MAX_METRICS_LIMIT, periodRule } from './beta-tester-usages-query.js';
import { cursorRule, idListRule, limitRule, parseQueryRequiring, type QueryPairs } from './query-params.js';

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

const RULES = {
  period: periodRule,
  'filter[apps]': idListRule(MAX_METRICS_LIMIT),
  limit: limitRule(MAX_METRICS_LIMIT),
  cursor: cursorRule(),
};

/** Throws ApiError (400) listing every problem. */
export function parseTesterAppUsagesQuery(pairs: QueryPairs): TesterAppUsagesQuery {
  // The spec marks `filter[apps]` required; judged on the names sent, so it is listed with any other problem.
  const missing = pairs.some(([name]) => name === 'filter[apps]')
    ? []
    : [requiredParameterItem("This endpoint requires the 'filter[apps]' parameter")];
  const { values, echo } = parseQueryRequiring(pairs, RULES, missing);
  return {
    period: values.period ?? DEFAULT_PERIOD,
    appIds: values['filter[apps]'] ?? [],
    limit: values.limit ?? DEFAULT_METRICS_LIMIT,
    ...(values.cursor !== undefined && { cursor: values.cursor }),
    echo,
  };
}
