import type { CursorToken } from '../../services/cursor-token.js';
import {
  cursorRule,
  enumListRule,
  idListRule,
  limitRule,
  parseQuery,
  type QueryPairs,
} from './query-params.js';

/**
 * The queries beta-metrics reads on the related resources (docs/apple-behavior.md, §8). Apple's spec lists more
 * parameters (sort, include, other filters); those are answered PARAMETER_ERROR.ILLEGAL, as README says.
 */

export const DEFAULT_COLLECTION_LIMIT = 50;
export const MAX_COLLECTION_LIMIT = 200;

/** Attribute names a client may ask for with `fields[apps]` (and relationship names, which we accept). */
export const APP_FIELDS = [
  'name',
  'bundleId',
  'sku',
  'primaryLocale',
  'betaTesters',
  'betaGroups',
  'builds',
] as const;
export type AppField = (typeof APP_FIELDS)[number];

export const BETA_TESTER_FIELDS = [
  'firstName',
  'lastName',
  'email',
  'inviteType',
  'state',
  'appDevices',
  'apps',
  'betaGroups',
  'builds',
] as const;
export type BetaTesterField = (typeof BETA_TESTER_FIELDS)[number];

interface CollectionPaging {
  readonly limit: number;
  readonly cursor?: CursorToken;
  readonly echo: ReadonlyArray<readonly [string, string]>;
}

export interface AppsQuery extends CollectionPaging {
  readonly ids?: string[];
  readonly bundleIds?: string[];
  readonly fields?: AppField[];
}

export interface BetaTestersQuery extends CollectionPaging {
  readonly appIds?: string[];
  readonly emails?: string[];
  readonly ids?: string[];
  readonly fields?: BetaTesterField[];
}

export interface InstanceQuery<Field> {
  readonly fields?: Field[];
  readonly echo: ReadonlyArray<readonly [string, string]>;
}

const paging = { limit: limitRule(MAX_COLLECTION_LIMIT), cursor: cursorRule() };

export function parseAppsQuery(pairs: QueryPairs): AppsQuery {
  const { values, echo } = parseQuery(pairs, {
    'filter[id]': idListRule(),
    'filter[bundleId]': idListRule(),
    'fields[apps]': enumListRule(APP_FIELDS),
    ...paging,
  });
  return {
    ids: values['filter[id]'],
    bundleIds: values['filter[bundleId]'],
    fields: values['fields[apps]'],
    limit: values.limit ?? DEFAULT_COLLECTION_LIMIT,
    cursor: values.cursor,
    echo,
  };
}

export function parseAppQuery(pairs: QueryPairs): InstanceQuery<AppField> {
  const { values, echo } = parseQuery(pairs, { 'fields[apps]': enumListRule(APP_FIELDS) });
  return { fields: values['fields[apps]'], echo };
}

export function parseBetaTestersQuery(pairs: QueryPairs): BetaTestersQuery {
  const { values, echo } = parseQuery(pairs, {
    'filter[apps]': idListRule(),
    'filter[email]': idListRule(),
    'filter[id]': idListRule(),
    'fields[betaTesters]': enumListRule(BETA_TESTER_FIELDS),
    ...paging,
  });
  return {
    appIds: values['filter[apps]'],
    emails: values['filter[email]'],
    ids: values['filter[id]'],
    fields: values['fields[betaTesters]'],
    limit: values.limit ?? DEFAULT_COLLECTION_LIMIT,
    cursor: values.cursor,
    echo,
  };
}

export function parseBetaTesterQuery(pairs: QueryPairs): InstanceQuery<BetaTesterField> {
  const { values, echo } = parseQuery(pairs, { 'fields[betaTesters]': enumListRule(BETA_TESTER_FIELDS) });
  return { fields: values['fields[betaTesters]'], echo };
}
