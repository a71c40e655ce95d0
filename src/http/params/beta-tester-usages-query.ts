import { DEFAULT_PERIOD, type PeriodCode, parsePeriod, renderPeriodAsDuration } from '../../domain/period.js';
import { requiredParameterItem } from '../../errors/api-errors.js';
import type { CursorToken } from '../../services/cursor-token.js';
import {
  cursorRule,
  enumListRule,
  limitRule,
  type ParamRule,
  parseQueryRequiring,
  type QueryPairs,
  singleValueRule,
} from './query-params.js';

/** The query of GET /v1/apps/{id}/metrics/betaTesterUsages, read under docs/apple-behavior.md, §2. */
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

/** The page size when the client sends no `limit` (the page's second example: `"limit" : 50`). */
export const DEFAULT_METRICS_LIMIT = 50;
export const MAX_METRICS_LIMIT = 200;

/** `period`: one of the four codes, or the hours the live service writes back (domain/period.ts). */
export const periodRule: ParamRule<PeriodCode> = {
  parse: parsePeriod,
  echo: renderPeriodAsDuration,
};

const RULES = {
  period: periodRule,
  groupBy: enumListRule(['betaTesters']),
  'filter[betaTesters]': singleValueRule(),
  limit: limitRule(MAX_METRICS_LIMIT),
  cursor: cursorRule(),
};

/** Throws ApiError (400) listing every problem; see docs/apple-behavior.md, §2 for each rule. */
export function parseBetaTesterUsagesQuery(pairs: QueryPairs): BetaTesterUsagesQuery {
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
  const { values, echo } = parseQueryRequiring(pairs, RULES, missing);
  return {
    period: values.period ?? DEFAULT_PERIOD,
    groupByTesters: values.groupBy !== undefined,
    ...(values['filter[betaTesters]'] !== undefined && { testerId: values['filter[betaTesters]'] }),
    limit: values.limit ?? DEFAULT_METRICS_LIMIT,
    ...(values.cursor !== undefined && { cursor: values.cursor }),
    echo,
  };
}
