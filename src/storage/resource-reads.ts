import type { ResourceKind } from './resource-tables.js';

export type { ResourceKind } from './resource-tables.js';

/** A resource as stored: its id and every attribute of its kind (resource-tables.ts), absent ones null. */
export interface StoredResource {
  readonly id: string;
  readonly attributes: Readonly<Record<string, unknown>>;
}

/** A value a filter compares an attribute with: text, or a boolean for a boolean attribute. */
export type FilterValue = string | boolean;

/**
 * Which resources a condition keeps. `path` names relationships to follow from the resource (empty: the
 * resource itself), then the condition is about what is at its end: its ids, or an attribute's values. A
 * resource is kept when any resource at the end of the path matches (comma lists are OR).
 */
export type ResourceCondition =
  | { readonly kind: 'ids'; readonly path: readonly string[]; readonly ids: readonly string[] }
  | {
      readonly kind: 'attribute';
      readonly path: readonly string[];
      readonly attribute: string;
      readonly values: readonly FilterValue[];
    }
  /** The attribute has (or has not) a value. */
  | { readonly kind: 'attributePresent'; readonly attribute: string; readonly present: boolean }
  /** Has (or has not) any resource at the end of the path. */
  | { readonly kind: 'exists'; readonly path: readonly string[]; readonly exists: boolean }
  /** Related to the resource `id` of `kind` through that kind's relationship `relationship`. */
  | {
      readonly kind: 'relatedTo';
      readonly source: ResourceKind;
      readonly relationship: string;
      readonly id: string;
    }
  /** Keeps nothing: a condition on data beta-metrics never stores (docs/apple-behavior.md, "JSON:API"). */
  | { readonly kind: 'none' };

export interface ResourceSortKey {
  /** An attribute of the kind, or a to-one relationship (ordered by the related resource's first attribute). */
  readonly key: string;
  readonly descending: boolean;
}

export interface ResourceQuery {
  readonly kind: ResourceKind;
  /** All hold. */
  readonly conditions: readonly ResourceCondition[];
  /** Then by id, ascending, so the order is total and paging stable. */
  readonly sort: readonly ResourceSortKey[];
  /** Testers' `state` is the furthest of their states in these apps (all their apps when absent). */
  readonly stateInApps?: readonly string[];
}

/** The ids a relationship links one resource to, at most the limit asked for, and how many there are. */
export interface Linkage {
  readonly ids: readonly string[];
  readonly total: number;
}

/**
 * Generic reads of every resource of the TestFlight slice, driven by resource-tables.ts. Windows read from
 * `offset` on, in the query's order.
 */
export interface ResourceReads {
  countResources(query: ResourceQuery): Promise<number>;
  listResources(query: ResourceQuery, window: { offset: number; limit: number }): Promise<StoredResource[]>;
  /** The resources of `kind` with these ids, in id order; ids not stored are left out. */
  findResources(kind: ResourceKind, ids: readonly string[]): Promise<StoredResource[]>;
  /**
   * For each of `ids` (resources of `kind`), the ids its relationship links to, in id order, at most `limit`
   * (all when absent), and their total.
   */
  linkages(
    kind: ResourceKind,
    relationship: string,
    ids: readonly string[],
    limit?: number,
  ): Promise<Map<string, Linkage>>;
}
