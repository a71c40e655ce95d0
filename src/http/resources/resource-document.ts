import type { ResourceDocument } from '../../services/resources.js';
import type { Linkage, StoredResource } from '../../services/resources.js';
import { isSignedScreenshot, signedScreenshotImage } from '../../services/screenshot-links.js';
import { served } from './resource-query.js';
import type { SpecResourceType, TestflightSpec } from './spec-operations.js';

/**
 * Resource objects and compound documents as Apple writes them (docs/apple-behavior.md, "JSON:API"): attributes
 * in the order of Apple's schema, absent ones left out; each relationship beta-metrics serves with the links
 * the slice has a path for, and its `data` (with `meta.paging` when to-many) when the document includes it.
 */

export interface DocumentContext {
  readonly spec: TestflightSpec;
  readonly base: string;
  readonly fields: ReadonlyMap<string, ReadonlySet<string>>;
  /** Which paths the API serves (`/v1/apps/{id}/builds`), so no link points nowhere. */
  readonly servedPaths: ReadonlySet<string>;
}

export interface ResourceObject {
  readonly type: string;
  readonly id: string;
  readonly attributes: Record<string, unknown>;
  readonly relationships?: Record<string, unknown>;
  readonly links: { readonly self: string };
}

/** `type` and `id`: JSON:API's resource identifier, what linkage carries. */
export function identifier(type: string, id: string): { type: string; id: string } {
  return { type, id };
}

export function resourcePath(type: string, id: string): string {
  return `/v1/${type}/${encodeURIComponent(id)}`;
}

/**
 * One resource of `type`. `linkages` holds, per relationship whose data the document shows, what this resource
 * links to; `limits` the limit each to-many linkage was read with.
 */
export function resourceObject(
  context: DocumentContext,
  type: SpecResourceType,
  resource: StoredResource,
  linkages?: ReadonlyMap<string, { readonly linkage: Linkage | undefined; readonly limit?: number }>,
): ResourceObject {
  const wanted = context.fields.get(type.type);
  const attributes: Record<string, unknown> = {};
  for (const name of type.attributes) {
    const value = resource.attributes[name];
    if (value === null || value === undefined) continue;
    if (wanted === undefined || wanted.has(name)) attributes[name] = servedValue(context.base, value);
  }
  const relationships: Record<string, unknown> = {};
  const path = resourcePath(type.type, resource.id);
  for (const [name, relationship] of type.relationships) {
    if (!served(type.type, name, relationship.target)) continue;
    if (wanted !== undefined && !wanted.has(name)) continue;
    const shown = linkages?.get(name);
    const links: Record<string, string> = {};
    if (context.servedPaths.has(`/v1/${type.type}/{id}/relationships/${name}`)) {
      links.self = `${context.base}${path}/relationships/${name}`;
    }
    if (context.servedPaths.has(`/v1/${type.type}/{id}/${name}`))
      links.related = `${context.base}${path}/${name}`;
    // A relationship the slice has no path for is shown only with its data, so every link sent resolves.
    if (shown === undefined && Object.keys(links).length === 0) continue;
    const member: Record<string, unknown> = {};
    if (Object.keys(links).length > 0) member.links = links;
    if (shown !== undefined) {
      const ids = shown.linkage?.ids ?? [];
      if (relationship.toMany) {
        member.data = ids.map((id) => identifier(relationship.target, id));
        member.meta = { paging: { total: shown.linkage?.total ?? 0, limit: shown.limit } };
      } else {
        const [id] = ids;
        member.data = id === undefined ? null : identifier(relationship.target, id);
      }
    }
    relationships[name] = member;
  }
  return {
    type: type.type,
    id: resource.id,
    attributes,
    ...(Object.keys(relationships).length > 0 && { relationships }),
    links: { self: `${context.base}${path}` },
  };
}

/**
 * An attribute's value as sent: a submission's screenshots whose content the read signed become Apple's
 * BetaFeedbackScreenshotImage with URLs on this server's base (docs/apple-behavior.md, §12); the rest as stored.
 */
function servedValue(base: string, value: unknown): unknown {
  if (!Array.isArray(value) || !value.some(isSignedScreenshot)) return value;
  return value.map((element: unknown) =>
    isSignedScreenshot(element) ? signedScreenshotImage(base, element) : element,
  );
}

/** The primary resources of a read, each with the linkage the document shows, and the `included` member. */
export function documentParts(
  context: DocumentContext,
  type: SpecResourceType,
  document: ResourceDocument,
  limits: ReadonlyMap<string, number>,
): { data: ResourceObject[]; included?: ResourceObject[] } {
  const data = document.rows.map((row) => {
    const shown = new Map<string, { linkage: Linkage | undefined; limit?: number }>();
    for (const [name, byId] of document.linkages) {
      const limit = limits.get(name);
      shown.set(name, { linkage: byId.get(row.id), ...(limit !== undefined && { limit }) });
    }
    return resourceObject(context, type, row, shown);
  });
  if (document.included.length === 0) return { data };
  const included = document.included.flatMap(({ kind, resource }) => {
    const includedType = context.spec.resourceType(kind);
    return includedType === undefined ? [] : [resourceObject(context, includedType, resource)];
  });
  return { data, included };
}
