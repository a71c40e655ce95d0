import { DEFAULT_PERIOD, type PeriodCode, parsePeriod, renderPeriodAsDuration } from '../../domain/period.js';
import type { ErrorItem } from '../../errors/api-error.js';
import { requiredParameterItem } from '../../errors/api-errors.js';
import type { CursorToken } from '../../services/cursor-token.js';
import { type DeclaredParameter, testflightSpec } from '../resources/spec-operations.js';
import {
  cursorRule,
  enumListRule,
  idListRule,
  limitRule,
  type ParamRule,
  type ParamRules,
  parseQueryRequiring,
  type QueryPairs,
  singleValueRule,
} from './query-params.js';

/**
 * The query of a metrics operation, read under rules derived from the parameters the vendored spec declares for
 * it (docs/architecture.md, "Resources"): its names, the `groupBy` values, the `limit` maximum and which
 * parameters are required all come from the spec, so an operation's parameters are never written twice.
 */
export interface MetricsQuery {
  readonly period: PeriodCode;
  /** `groupBy`, when sent: the dimensions asked for. */
  readonly groupBy?: readonly string[];
  /** Each `filter[...]` sent, by its dimension (`betaTesters`): a list for those declared as lists below. */
  readonly filters: ReadonlyMap<string, readonly string[]>;
  readonly limit: number;
  /** `cursor`: where the previous page ended. */
  readonly cursor?: CursorToken;
  /** The query as `links.self` writes it back: the client's order, `period` as PT...H (§1). */
  readonly echo: ReadonlyArray<readonly [string, string]>;
}

/** The page size when the client sends no `limit` (the page's second example: `"limit" : 50`). */
export const DEFAULT_METRICS_LIMIT = 50;

/**
 * What the spec does not say, and beta-metrics chose (docs/apple-behavior.md, §2 and §11):
 * - `pages`: the answer has more than one group, so `next` links carry a `cursor` the operation must accept
 *   back (the spec declares none: Apple's own `next` links carry it);
 * - `lists`: filters that take a comma-separated list; the others take one id, as the page says of
 *   `filter[betaTesters]`.
 */
export interface MetricsChoices {
  readonly pages: boolean;
  readonly lists?: readonly string[];
}

export interface MetricsQueryReader {
  readonly operationId: string;
  /** Throws ApiError (400) listing every problem, `missing` (the caller's own REQUIRED items) last. */
  read(pairs: QueryPairs, missing?: readonly ErrorItem[]): MetricsQuery;
}

const FILTER = /^filter\[(.+)\]$/;

/** The reader of `operationId`'s query; throws at start-up when the spec declares what no rule here reads. */
export function metricsQueryReader(operationId: string, choices: MetricsChoices): MetricsQueryReader {
  const operation = testflightSpec().operations.find(
    (candidate) => candidate.operationId === operationId && candidate.shape.kind === 'metrics',
  );
  if (operation === undefined)
    throw new Error(`the vendored spec declares no metrics operation ${operationId}`);
  const lists = new Set(choices.lists ?? []);
  // At most as many ids in a list filter as a page has groups: more could never be answered on one page.
  const maxListItems = operation.parameters.get('limit')?.maximum ?? 200;
  const rules: Record<string, ParamRule<unknown>> = {};
  for (const parameter of operation.parameters.values())
    rules[parameter.name] = ruleFor(operationId, parameter, lists, maxListItems);
  if (choices.pages) rules.cursor = cursorRule();
  const required = [...operation.parameters.values()].filter((parameter) => parameter.required);
  return {
    operationId,
    read(pairs, missing = []) {
      const sent = new Set(pairs.map(([name]) => name));
      const absent = required
        .filter((parameter) => !sent.has(parameter.name))
        .map((parameter) =>
          requiredParameterItem(`This endpoint requires the '${parameter.name}' parameter`),
        );
      const { values, echo } = parseQueryRequiring(pairs, rules as ParamRules, [...absent, ...missing]);
      return queryOf(values, echo);
    },
  };
}

function ruleFor(
  operationId: string,
  parameter: DeclaredParameter,
  lists: ReadonlySet<string>,
  maxListItems: number,
): ParamRule<unknown> {
  const unreadable = (why: string) =>
    new Error(
      `${operationId} declares '${parameter.name}' ${why}; teach src/http/params/metrics-query.ts to read it`,
    );
  if (parameter.name === 'period') {
    // Every value the spec lists must be one the period parser knows (it also takes the hours the live
    // service writes back: docs/apple-behavior.md, §1).
    const unknown = (parameter.values ?? []).filter((value) => parsePeriod(value) === undefined);
    if (unknown.length > 0) throw unreadable(`with values ${unknown.join(', ')}`);
    return { parse: parsePeriod, echo: renderPeriodAsDuration } satisfies ParamRule<PeriodCode>;
  }
  if (parameter.name === 'limit') {
    if (parameter.type !== 'integer' || parameter.maximum === undefined)
      throw unreadable('without a maximum');
    return limitRule(parameter.maximum);
  }
  if (parameter.type === 'array' && parameter.values !== undefined) return enumListRule(parameter.values);
  if (FILTER.test(parameter.name))
    return lists.has(parameter.name) ? idListRule(maxListItems) : asList(singleValueRule());
  throw unreadable(`of type ${parameter.type}`);
}

/** One value, kept as a list of one so that every filter reads alike. */
function asList(rule: ParamRule<string>): ParamRule<string[]> {
  return {
    parse(raw) {
      const value = rule.parse(raw);
      return value === undefined ? undefined : [value];
    },
  };
}

function queryOf(
  values: Record<string, unknown>,
  echo: ReadonlyArray<readonly [string, string]>,
): MetricsQuery {
  const filters = new Map<string, readonly string[]>();
  for (const [name, value] of Object.entries(values)) {
    const dimension = FILTER.exec(name)?.[1];
    if (dimension !== undefined) filters.set(dimension, value as string[]);
  }
  const groupBy = values.groupBy as string[] | undefined;
  const cursor = values.cursor as CursorToken | undefined;
  return {
    period: (values.period as PeriodCode | undefined) ?? DEFAULT_PERIOD,
    ...(groupBy !== undefined && { groupBy }),
    filters,
    limit: (values.limit as number | undefined) ?? DEFAULT_METRICS_LIMIT,
    ...(cursor !== undefined && { cursor }),
    echo,
  };
}
