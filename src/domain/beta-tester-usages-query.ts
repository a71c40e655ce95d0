import type { CursorParameter } from './cursor-codec.js';
import { DEFAULT_PERIOD, isPeriodCode, type PeriodCode, renderPeriodAsDuration } from './period.js';
import {
  cursorRule,
  enumListRule,
  limitRule,
  type ParamRule,
  parseQuery,
  type QueryPairs,
  singleValueRule,
  throwIfAny,
} from './query-params.js';
import { requiredParameterItem } from '../errors/api-errors.js';

/** The query of GET /v1/apps/{id}/metrics/betaTesterUsages, read under apple-behavior.md §2. */
export interface BetaTesterUsagesQuery {
  readonly period: PeriodCode;
  /** `groupBy=betaTesters` was asked for. */
  readonly groupByTesters: boolean;
  /** `filter[betaTesters]`: only this tester. */
  readonly testerId?: string;
  readonly limit: number;
  readonly cursor?: CursorParameter;
  /** The query as `links.self` writes it back: the client's order, `period` as PT...H. */
  readonly echo: ReadonlyArray<readonly [string, string]>;
}

/** The page size when the client sends no `limit` (the page's second example: `"limit" : 50`). */
export const DEFAULT_METRICS_LIMIT = 50;
export const MAX_METRICS_LIMIT = 200;

const periodRule: ParamRule<PeriodCode> = {
  parse: (raw) => (isPeriodCode(raw) ? raw : undefined),
  echo: renderPeriodAsDuration,
};

const RULES = {
  period: periodRule,
  groupBy: enumListRule(['betaTesters']),
  'filter[betaTesters]': singleValueRule(),
  limit: limitRule(MAX_METRICS_LIMIT),
  cursor: cursorRule(),
};

/** Throws ApiError (400) listing every problem; see apple-behavior.md §2 for each rule. */
export function parseBetaTesterUsagesQuery(pairs: QueryPairs): BetaTesterUsagesQuery {
  const { values, echo } = parseQuery(pairs, RULES);
  // The page's Tip: "This endpoint requires either groupBy or filter[betaTesters] parameter." The live
  // service also rejects `limit` alone this way.
  if (values.groupBy === undefined && values['filter[betaTesters]'] === undefined) {
    throwIfAny([
      requiredParameterItem(
        "This endpoint requires either the 'groupBy' or the 'filter[betaTesters]' parameter",
      ),
    ]);
  }
  return {
    period: values.period ?? DEFAULT_PERIOD,
    groupByTesters: values.groupBy !== undefined,
    ...(values['filter[betaTesters]'] !== undefined && { testerId: values['filter[betaTesters]'] }),
    limit: values.limit ?? DEFAULT_METRICS_LIMIT,
    ...(values.cursor !== undefined && { cursor: values.cursor }),
    echo,
  };
}
