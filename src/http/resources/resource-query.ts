import { type ResourceKind, isResourceKind } from '../../domain/resource-kinds.js';
import type { ErrorItem } from '../../errors/api-error.js';
import {
  invalidFieldItem,
  invalidFilterItem,
  invalidParameterItem,
  unservedTypeItem,
} from '../../errors/api-errors.js';
import type { CursorToken } from '../../services/cursor-token.js';
import { storesRelationship } from '../../services/resources.js';
import type { FilterValue, ResourceCondition, ResourceSortKey } from '../../services/resources.js';
import {
  cursorRule,
  idListRule,
  limitRule,
  type ParamRule,
  type ParamRules,
  parseQuery,
  type QueryPairs,
} from '../params/query-params.js';
import type { SpecOperation, SpecResourceType, TestflightSpec } from './spec-operations.js';

/**
 * A request's query string read under the parameters its operation declares in Apple's spec
 * (spec-operations.ts): every declared parameter is accepted and means what JSON:API as Apple applies it says
 * (docs/apple-behavior.md, "JSON:API"); any other is refused with Apple's texts.
 */

/** Rows per page when `limit` is absent (Apple's default for collections). */
export const DEFAULT_PAGE_LIMIT = 50;
/** Linkage items per to-many relationship of an included resource when `limit[<rel>]` is absent (our choice). */
export const DEFAULT_INCLUDED_LIMIT = 10;

export interface ResourceRequestQuery {
  /** Per type, the fields (attributes and relationships) to show; all when a type is absent. */
  readonly fields: ReadonlyMap<string, ReadonlySet<string>>;
  /** Relationships of the primary type whose resources the document includes. */
  readonly include: readonly string[];
  readonly limit: number;
  /** `limit[<relationship>]` as asked. */
  readonly relationshipLimits: ReadonlyMap<string, number>;
  readonly sort: readonly ResourceSortKey[];
  readonly conditions: readonly ResourceCondition[];
  /** `filter[apps]` of testers: their `state` is shown for those apps. */
  readonly stateInApps?: readonly string[];
  readonly cursor?: CursorToken;
  /** Every parameter in the client's order, as links write it back. */
  readonly echo: QueryPairs;
  /** The parameters that decide which rows a listing has, for its cursors' scope. */
  readonly scope: Readonly<Record<string, string>>;
}

const BOOLEAN_VALUES = ['true', 'false'];

/** Parses `pairs` for `operation`, whose resources are of `type` (the primary or related type). */
export function parseResourceQuery(
  spec: TestflightSpec,
  operation: SpecOperation,
  type: SpecResourceType,
  pairs: QueryPairs,
  paged: boolean,
): ResourceRequestQuery {
  const rules: ParamRules = {};
  for (const parameter of operation.parameters.values()) {
    rules[parameter.name] = ruleFor(spec, type, parameter.name, parameter.values, parameter.maximum);
  }
  if (paged) rules.cursor = cursorRule();
  // A filter the operation does not declare has Apple's own text (docs/apple-behavior.md, §9).
  for (const [name] of pairs) {
    if (!Object.hasOwn(rules, name) && /^filter\[.*\]$/.test(name)) rules[name] = unknownFilterRule(name);
  }
  const { values, echo } = parseQuery(pairs, rules);

  const fields = new Map<string, ReadonlySet<string>>();
  const relationshipLimits = new Map<string, number>();
  const conditions: ResourceCondition[] = [];
  const scope: Record<string, string> = {};
  let stateInApps: readonly string[] | undefined;
  for (const [name, raw] of echo) {
    const value = values[name];
    const inner = /^[a-z]+\[(.*)\]$/.exec(name)?.[1];
    if (name.startsWith('fields[') && inner !== undefined) {
      fields.set(inner, new Set(value as string[]));
    } else if (name.startsWith('limit[') && inner !== undefined) {
      relationshipLimits.set(inner, value as number);
    } else if (name.startsWith('filter[') && inner !== undefined) {
      conditions.push(filterCondition(spec, type, inner, value as FilterValue[]));
      if (type.type === 'betaTesters' && inner === 'apps') stateInApps = value as string[];
      scope[name] = raw;
    } else if (name.startsWith('exists[') && inner !== undefined) {
      const condition = existsCondition(spec, type, inner, value as boolean);
      if (condition !== undefined) conditions.push(condition);
      scope[name] = raw;
    } else if (name === 'sort') {
      scope[name] = raw;
    }
  }
  const sort = ((values.sort as string[] | undefined) ?? []).map((key) =>
    key.startsWith('-') ? { key: key.slice(1), descending: true } : { key, descending: false },
  );
  return {
    fields,
    include: (values.include as string[] | undefined) ?? [],
    limit: (values.limit as number | undefined) ?? DEFAULT_PAGE_LIMIT,
    relationshipLimits,
    sort,
    conditions,
    ...(stateInApps !== undefined && { stateInApps }),
    ...(values.cursor !== undefined && { cursor: values.cursor as CursorToken }),
    echo,
    scope,
  };
}

function ruleFor(
  spec: TestflightSpec,
  type: SpecResourceType,
  name: string,
  allowed: readonly string[] | undefined,
  maximum: number | undefined,
): ParamRule<unknown> {
  const inner = /^[a-z]+\[(.*)\]$/.exec(name)?.[1];
  if (name === 'limit' || name.startsWith('limit[')) return limitRule(maximum ?? 200);
  if (name.startsWith('fields[') && inner !== undefined) {
    if (!isResourceKind(inner)) return refusedRule(() => unservedTypeItem(name, inner, inner));
    return listRule(allowed, (item) => invalidFieldItem(name, item));
  }
  if (name === 'include') {
    return checkedList(name, (item) => {
      if (allowed !== undefined && !allowed.includes(item)) return invalidParameterItem(name, item);
      const relationship = type.relationships.get(item);
      const target = relationship?.target ?? item;
      return served(type.type, item, target) ? undefined : unservedTypeItem(name, item, target);
    });
  }
  if (name.startsWith('exists['))
    return { parse: (raw) => (BOOLEAN_VALUES.includes(raw) ? raw === 'true' : undefined) };
  if (name.startsWith('filter[') && inner !== undefined) {
    const at = endOfPath(spec, type, inner);
    if (at?.booleanAttribute) {
      return listRule(
        BOOLEAN_VALUES,
        (item) => invalidParameterItem(name, item),
        (item) => item === 'true',
      );
    }
    if (allowed !== undefined) return listRule(allowed, (item) => invalidParameterItem(name, item));
    return idListRule();
  }
  if (allowed !== undefined) return listRule(allowed, (item) => invalidParameterItem(name, item));
  return idListRule();
}

/** A comma-separated list whose every item is allowed; the first item that is not names the error. */
function listRule<T = string>(
  allowed: readonly string[] | undefined,
  invalid: (item: string) => ErrorItem,
  convert: (item: string) => T = (item) => item as T,
): ParamRule<T[]> {
  let refused: ErrorItem | undefined;
  return {
    parse(raw) {
      const items = raw.split(',');
      const bad = allowed === undefined ? undefined : items.find((item) => !allowed.includes(item));
      if (bad !== undefined || items.some((item) => item.length === 0)) {
        refused = invalid(bad ?? '');
        return undefined;
      }
      return items.map(convert);
    },
    invalid: (name, raw) => refused ?? invalidParameterItem(name, raw),
  };
}

function checkedList(name: string, check: (item: string) => ErrorItem | undefined): ParamRule<string[]> {
  let refused: ErrorItem | undefined;
  return {
    parse(raw) {
      const items = raw.split(',');
      for (const item of items) {
        refused = check(item);
        if (refused !== undefined) return undefined;
      }
      return items;
    },
    invalid: (_name, raw) => refused ?? invalidParameterItem(name, raw),
  };
}

function refusedRule(error: () => ErrorItem): ParamRule<never> {
  return { parse: () => undefined, invalid: () => error() };
}

function unknownFilterRule(name: string): ParamRule<never> {
  const inner = name.slice('filter['.length, -1);
  return refusedRule(() => invalidFilterItem(name, inner));
}

/** Whether beta-metrics keeps relationship `name` of `type`, to a type it serves. */
export function served(type: string, name: string, target: string): boolean {
  return isResourceKind(type) && isResourceKind(target) && storesRelationship(type, name);
}

interface PathEnd {
  readonly path: readonly string[];
  /** The type at the end of the path (undefined: outside what beta-metrics serves). */
  readonly type?: SpecResourceType;
  /** The last name, when it is an attribute of that type. */
  readonly attribute?: string;
  readonly booleanAttribute: boolean;
}

/**
 * Where `filter[a.b.c]` leads: relationships followed from `type`, ending on an attribute, an id, or a
 * relationship (whose ids are compared). Undefined when a name on the way is neither.
 */
function endOfPath(spec: TestflightSpec, type: SpecResourceType, dotted: string): PathEnd | undefined {
  const names = dotted.split('.');
  const path: string[] = [];
  let at: SpecResourceType | undefined = type;
  for (const [index, name] of names.entries()) {
    const last = index === names.length - 1;
    if (at === undefined) return { path, booleanAttribute: false };
    if (last && (name === 'id' || at.attributes.includes(name))) {
      return name === 'id'
        ? { path, type: at, booleanAttribute: false }
        : { path, type: at, attribute: name, booleanAttribute: at.booleanAttributes.has(name) };
    }
    const relationship = at.relationships.get(name);
    if (relationship === undefined) return undefined;
    if (!served(at.type, name, relationship.target))
      return { path: [...path, name], booleanAttribute: false };
    path.push(name);
    at = spec.resourceType(relationship.target);
  }
  return { path, type: at, booleanAttribute: false };
}

function filterCondition(
  spec: TestflightSpec,
  type: SpecResourceType,
  dotted: string,
  values: readonly FilterValue[],
): ResourceCondition {
  const end = endOfPath(spec, type, dotted);
  // A filter on data beta-metrics never keeps (an App Store version's state) matches nothing.
  if (end?.type === undefined) return { kind: 'none' };
  if (end.attribute !== undefined) {
    return { kind: 'attribute', path: end.path, attribute: end.attribute, values };
  }
  return { kind: 'ids', path: end.path, ids: values.map(String) };
}

function existsCondition(
  spec: TestflightSpec,
  type: SpecResourceType,
  name: string,
  exists: boolean,
): ResourceCondition | undefined {
  if (type.attributes.includes(name)) return { kind: 'attributePresent', attribute: name, present: exists };
  const end = endOfPath(spec, type, name);
  // Nothing beta-metrics does not keep exists: `exists[x]=false` keeps every resource, `true` none.
  if (end?.type === undefined) return exists ? { kind: 'none' } : undefined;
  return { kind: 'exists', path: end.path, exists };
}

/** The resource kind of a served type; throws for one the catalog should not have routed. */
export function kindOf(type: string): ResourceKind {
  if (!isResourceKind(type)) throw new Error(`beta-metrics does not serve ${type}`);
  return type;
}
