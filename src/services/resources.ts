import type {
  Linkage,
  ResourceKind,
  ResourceQuery,
  ResourceReads,
  StoredResource,
} from '../storage/resource-reads.js';
import { RESOURCE_TABLES } from '../storage/resource-tables.js';
import type { SnapshotStore } from '../storage/snapshot-store.js';
import type { ContentUrlSigner } from './content-urls.js';
import { type Page, type PageRequest, readPage } from './cursor-paging.js';
import { withSignedScreenshots } from './signed-screenshots.js';

/** The store's vocabulary of resource reads, for the API's resource layer (which reaches the store only here). */
export type {
  FilterValue,
  Linkage,
  ResourceCondition,
  ResourceSortKey,
  StoredResource,
} from '../storage/resource-reads.js';

/**
 * Reads every resource of the TestFlight slice for the API's generic resource layer (docs/architecture.md,
 * "Resources"): the primary data (one resource or a page of a listing), the linkage of the relationships the
 * document shows data for, and the resources it includes, all in one store snapshot so they agree.
 */

/** A relationship of the primary resources whose linkage the document carries. */
export interface LinkageRequest {
  readonly relationship: string;
  /** At most this many ids per resource (to-many); all when absent (to-one). */
  readonly limit?: number;
  /** The kind its ids are of, when the document includes those resources. */
  readonly include?: ResourceKind;
}

export interface DocumentRequest {
  readonly kind: ResourceKind;
  readonly linkages: readonly LinkageRequest[];
}

export interface ResourceDocument {
  readonly rows: readonly StoredResource[];
  /** Per relationship asked for, per primary resource id. */
  readonly linkages: ReadonlyMap<string, ReadonlyMap<string, Linkage>>;
  /** Included resources, by kind, each once. */
  readonly included: ReadonlyArray<{ readonly kind: ResourceKind; readonly resource: StoredResource }>;
}

export interface ResourcesService {
  /** One resource with what the document shows of its relationships; undefined when there is none. */
  readOne(request: DocumentRequest, id: string): Promise<ResourceDocument | undefined>;
  /** A page of a listing with what the document shows of each resource's relationships. */
  readPage(request: DocumentRequest, query: ResourceQuery, page: PageRequest): Promise<PagedDocument>;
  /**
   * The resource `id` of `kind` and the ids its relationship links to: all of them (to-one) or a page of them
   * (to-many, `page` given). Undefined when the resource does not exist.
   */
  readLinkage(
    kind: ResourceKind,
    id: string,
    relationship: string,
    page?: PageRequest,
  ): Promise<{ ids: readonly string[]; total: number; next?: Page<unknown>['next'] } | undefined>;
  /** Whether a resource of `kind` with this id exists. */
  exists(kind: ResourceKind, id: string): Promise<boolean>;
}

export interface PagedDocument extends ResourceDocument {
  readonly total: number;
  readonly next?: Page<unknown>['next'];
}

export function resourcesService(
  store: SnapshotStore<ResourceReads>,
  cursorKey: Uint8Array,
  contentUrls: ContentUrlSigner,
): ResourcesService {
  const related = async (
    reader: ResourceReads,
    request: DocumentRequest,
    stored: readonly StoredResource[],
  ): Promise<ResourceDocument> => {
    const rows = await withSignedScreenshots(reader, contentUrls, request.kind, stored);
    const ids = rows.map((row) => row.id);
    const linkages = new Map<string, ReadonlyMap<string, Linkage>>();
    const includedIds = new Map<ResourceKind, Set<string>>();
    for (const linkage of request.linkages) {
      const found = await reader.linkages(request.kind, linkage.relationship, ids, linkage.limit);
      linkages.set(linkage.relationship, found);
      if (linkage.include === undefined) continue;
      const wanted = includedIds.get(linkage.include) ?? new Set<string>();
      for (const entry of found.values()) for (const id of entry.ids) wanted.add(id);
      includedIds.set(linkage.include, wanted);
    }
    const included: Array<{ kind: ResourceKind; resource: StoredResource }> = [];
    for (const [kind, wanted] of includedIds) {
      // A resource that is also primary data is not repeated in `included` (JSON:API 1.0, "Compound Documents").
      const primary = kind === request.kind ? new Set(ids) : new Set<string>();
      const missing = [...wanted].filter((id) => !primary.has(id));
      const found = await reader.findResources(kind, missing);
      for (const resource of await withSignedScreenshots(reader, contentUrls, kind, found))
        included.push({ kind, resource });
    }
    return { rows, linkages, included };
  };

  return {
    readOne: (request, id) =>
      store.snapshot(async (reader) => {
        const [row] = await reader.findResources(request.kind, [id]);
        return row === undefined ? undefined : related(reader, request, [row]);
      }),

    readPage: (request, query, page) =>
      store.snapshot(async (reader) => {
        const listed = await readPage<StoredResource>(
          {
            count: () => reader.countResources(query),
            list: (window) =>
              reader.listResources(query, { offset: window.offset ?? 0, limit: window.limit }),
            idOf: (row) => row.id,
            byOffset: true,
          },
          cursorKey,
          page,
        );
        const document = await related(reader, request, listed.rows);
        return { ...document, total: listed.total, ...(listed.next !== undefined && { next: listed.next }) };
      }),

    readLinkage: (kind, id, relationship, page) =>
      store.snapshot(async (reader) => {
        const [row] = await reader.findResources(kind, [id]);
        if (row === undefined) return undefined;
        if (page === undefined) {
          const linkage = (await reader.linkages(kind, relationship, [id])).get(id);
          return { ids: linkage?.ids ?? [], total: linkage?.total ?? 0 };
        }
        const target: ResourceQuery = {
          kind: relatedKind(kind, relationship),
          conditions: [{ kind: 'relatedTo', source: kind, relationship, id }],
          sort: [],
        };
        const listed = await readPage<StoredResource>(
          {
            count: () => reader.countResources(target),
            list: (window) =>
              reader.listResources(target, { offset: window.offset ?? 0, limit: window.limit }),
            idOf: (row) => row.id,
            byOffset: true,
          },
          cursorKey,
          page,
        );
        return {
          ids: listed.rows.map((row) => row.id),
          total: listed.total,
          ...(listed.next !== undefined && { next: listed.next }),
        };
      }),

    exists: async (kind, id) =>
      (await store.snapshot((reader) => reader.findResources(kind, [id]))).length > 0,
  };
}

/** The kind a relationship of `kind` links to (storage/resource-tables.ts). */
export function relatedKind(kind: ResourceKind, relationship: string): ResourceKind {
  const stored = RESOURCE_TABLES[kind].relationships[relationship];
  if (stored === undefined) throw new Error(`${kind} has no relationship ${relationship}`);
  return stored.target;
}

/** Whether the store keeps relationship `relationship` of `kind` (and so the API serves it). */
export function storesRelationship(kind: ResourceKind, relationship: string): boolean {
  return Object.hasOwn(RESOURCE_TABLES[kind].relationships, relationship);
}
