import type { KeptReads } from '../../services/services.js';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from '../schemas/json-schema.js';
import { resourceNotFound } from '../../errors/api-errors.js';
import type { DocumentRequest, LinkageRequest } from '../../services/resources.js';
import type { Services } from '../../services/services.js';
import type { ResourceCondition } from '../../services/resources.js';
import { mayReadTestFlight, requireTestFlightReader } from '../access-control.js';
import { markReplayable } from '../answer-replay.js';
import { cursorScope } from '../cursor-scopes.js';
import { linkTo, type PublicBaseUrl, pagedLinks } from '../links.js';
import { queryPairs } from '../query-string.js';
import { apiRoute } from '../routes/api-route.js';
import { servedWrites } from './write-operations.js';
import { type DocumentContext, documentParts, identifier, resourcePath } from './resource-document.js';
import {
  DEFAULT_INCLUDED_LIMIT,
  kindOf,
  parseResourceQuery,
  type ResourceRequestQuery,
  served,
} from './resource-query.js';
import {
  type SpecOperation,
  type SpecResourceType,
  type TestflightSpec,
  testflightSpec,
} from './spec-operations.js';

/**
 * Every read of the TestFlight slice but the metrics, registered from Apple's spec (spec-operations.ts): one
 * handler per shape of document (a collection, an instance, a relationship's linkage, its related resources),
 * each route under Apple's operationId. docs/architecture.md, "Resources".
 */

export interface ResourceRouteDeps {
  readonly services: Services;
  readonly baseUrl: PublicBaseUrl;
}

/** Bodies are built here and serialized as they are: the spec, not a schema of ours, says what they hold. */
const ANY_BODY = Type.Unknown();

type IdRequest = FastifyRequest<{ Params: { id: string } }>;

/** The operations of `spec` this layer answers: every GET but the metrics, over types beta-metrics keeps. */
export function servedResourceOperations(spec: TestflightSpec): SpecOperation[] {
  return spec.operations.filter((operation) => {
    const shape = operation.shape;
    if (shape.kind === 'metrics') return false;
    if (shape.kind === 'collection' || shape.kind === 'instance')
      return spec.resourceType(shape.type) !== undefined;
    return served(shape.type, shape.relationship, shape.target);
  });
}

export function resourceRoutes(app: FastifyInstance, deps: ResourceRouteDeps): void {
  const spec = testflightSpec();
  const operations = servedResourceOperations(spec);
  const servedPaths = new Set(operations.map((operation) => operation.path));
  const writeMethods = new Map<string, string[]>();
  for (const write of servedWrites())
    writeMethods.set(write.path, [...(writeMethods.get(write.path) ?? []), write.method]);
  for (const operation of operations) {
    const url = operation.path.replace('{id}', ':id');
    const handler = handlerFor(spec, operation, servedPaths, deps);
    apiRoute(app, operation.operationId, url, ANY_BODY, handler, writeMethods.get(operation.path));
  }
}

function handlerFor(
  spec: TestflightSpec,
  operation: SpecOperation,
  servedPaths: ReadonlySet<string>,
  deps: ResourceRouteDeps,
): (request: IdRequest, reply: FastifyReply) => Promise<unknown> {
  const shape = operation.shape;
  const typeOf = (name: string): SpecResourceType => {
    const type = spec.resourceType(name);
    if (type === undefined) throw new Error(`the spec has no resource type ${name}`);
    return type;
  };
  const contextFor = (request: IdRequest, query: ResourceRequestQuery): DocumentContext => ({
    spec,
    base: deps.baseUrl(request),
    fields: query.fields,
    servedPaths,
  });
  const resources = deps.services.resources;

  switch (shape.kind) {
    case 'collection': {
      const type = typeOf(shape.type);
      return async (request) => {
        if (type.type !== 'apps') requireTestFlightReader(request);
        const query = parseResourceQuery(spec, operation, type, queryPairs(request), true);
        if (query.include.length > 0) requireTestFlightReader(request);
        return listing(request, type, query, [], operation.path);
      };
    }
    case 'instance': {
      const type = typeOf(shape.type);
      const kind = kindOf(type.type);
      return async (request, reply) => {
        const id = request.params.id;
        const query = await parseAfterFinding(request, kind, type.type !== 'apps', () =>
          parseResourceQuery(spec, operation, type, queryPairs(request), false),
        );
        // An app alone (no `include`) is its row, and every write of it raises its data version: read before the
        // document, so a write between the two makes the answer newer than its freshness, never older.
        if (type.type === 'apps' && query.include.length === 0) {
          const recheck = () => deps.services.betaTesterUsages.freshness(id);
          const freshness = await recheck();
          const scope = `/v1/apps/${encodeURIComponent(id)}`;
          const keptFreshness = (kept: KeptReads) => deps.services.betaTesterUsages.keptFreshness(id, kept);
          if (freshness !== undefined) markReplayable(reply, { scope, freshness, recheck, keptFreshness });
        }
        const document = await resources.readOne(documentRequest(type, query), id);
        if (document === undefined) throw resourceNotFound(type.type, id);
        const context = contextFor(request, query);
        const parts = documentParts(context, type, document, limitsOf(type, query));
        return {
          data: parts.data[0],
          ...(parts.included !== undefined && { included: parts.included }),
          links: { self: linkTo(context.base, resourcePath(type.type, id), query.echo) },
        };
      };
    }
    case 'related': {
      const source = kindOf(shape.type);
      const target = typeOf(shape.target);
      if (shape.toMany) {
        return async (request) => {
          const id = request.params.id;
          const query = await parseAfterFinding(request, source, true, () =>
            parseResourceQuery(spec, operation, target, queryPairs(request), true),
          );
          const related: ResourceCondition = {
            kind: 'relatedTo',
            source,
            relationship: shape.relationship,
            id,
          };
          const path = `${resourcePath(shape.type, id)}/${shape.relationship}`;
          const answer = await listing(request, target, query, [related], path);
          if (answer.data.length === 0 && !(await resources.exists(source, id))) {
            throw resourceNotFound(shape.type, id);
          }
          return answer;
        };
      }
      return async (request) => {
        const id = request.params.id;
        const query = await parseAfterFinding(request, source, true, () =>
          parseResourceQuery(spec, operation, target, queryPairs(request), false),
        );
        const linkage = await resources.readLinkage(source, id, shape.relationship);
        if (linkage === undefined) throw resourceNotFound(shape.type, id);
        const [relatedId] = linkage.ids;
        const document =
          relatedId === undefined
            ? undefined
            : await resources.readOne(documentRequest(target, query), relatedId);
        const context = contextFor(request, query);
        const parts =
          document === undefined
            ? undefined
            : documentParts(context, target, document, limitsOf(target, query));
        return {
          data: parts?.data[0] ?? null,
          ...(parts?.included !== undefined && { included: parts.included }),
          links: {
            self: linkTo(context.base, `${resourcePath(shape.type, id)}/${shape.relationship}`, query.echo),
          },
        };
      };
    }
    case 'relationship': {
      const source = kindOf(shape.type);
      const type = typeOf(shape.type);
      return async (request) => {
        const id = request.params.id;
        const query = await parseAfterFinding(request, source, true, () =>
          parseResourceQuery(spec, operation, type, queryPairs(request), shape.toMany),
        );
        const path = `${resourcePath(shape.type, id)}/relationships/${shape.relationship}`;
        const base = deps.baseUrl(request);
        if (!shape.toMany) {
          const linkage = await resources.readLinkage(source, id, shape.relationship);
          if (linkage === undefined) throw resourceNotFound(shape.type, id);
          const [relatedId] = linkage.ids;
          return {
            data: relatedId === undefined ? null : identifier(shape.target, relatedId),
            links: { self: linkTo(base, path, query.echo) },
          };
        }
        const linkage = await resources.readLinkage(source, id, shape.relationship, {
          limit: query.limit,
          ...(query.cursor !== undefined && { after: query.cursor }),
          scope: cursorScope(path, query.scope),
        });
        if (linkage === undefined) throw resourceNotFound(shape.type, id);
        return {
          data: linkage.ids.map((relatedId) => identifier(shape.target, relatedId)),
          links: pagedLinks(base, path, query.echo, linkage.next),
          meta: { paging: { total: linkage.total, limit: query.limit } },
        };
      };
    }
    case 'metrics':
      throw new Error(`${operation.operationId} is answered by its own route`);
  }

  async function listing(
    request: IdRequest,
    type: SpecResourceType,
    query: ResourceRequestQuery,
    extra: readonly ResourceCondition[],
    path: string,
  ) {
    const kind = kindOf(type.type);
    const page = await resources.readPage(
      documentRequest(type, query),
      {
        kind,
        conditions: [...extra, ...query.conditions],
        sort: query.sort,
        ...(query.stateInApps !== undefined && { stateInApps: query.stateInApps }),
      },
      {
        limit: query.limit,
        ...(query.cursor !== undefined && { after: query.cursor }),
        scope: cursorScope(path, query.scope),
      },
    );
    const context = contextFor(request, query);
    const parts = documentParts(context, type, page, limitsOf(type, query));
    return {
      data: parts.data,
      ...(parts.included !== undefined && { included: parts.included }),
      links: pagedLinks(context.base, path, query.echo, page.next),
      meta: { paging: { total: page.total, limit: query.limit } },
    };
  }

  /**
   * Parses the query in the live service's order of checks (docs/apple-behavior.md, §4): the resource the path
   * names exists (404), the key may read TestFlight data (403, unless only an app is read), the parameters
   * (400). The resource is looked up here only when a later check fails; otherwise the read finds it missing.
   */
  async function parseAfterFinding(
    request: IdRequest,
    kind: ReturnType<typeof kindOf>,
    testFlightData: boolean,
    parse: () => ResourceRequestQuery,
  ): Promise<ResourceRequestQuery> {
    let query: ResourceRequestQuery | undefined;
    let problem: unknown;
    try {
      query = parse();
    } catch (error) {
      problem = error;
    }
    const readsTestFlight = testFlightData || (query?.include.length ?? 0) > 0;
    const forbidden = readsTestFlight && !mayReadTestFlight(request);
    if (query !== undefined && !forbidden) return query;
    if (!(await resources.exists(kind, request.params.id))) throw resourceNotFound(kind, request.params.id);
    if (forbidden) requireTestFlightReader(request);
    throw problem;
  }
}

/** What the document shows of each included relationship: its linkage, at most its limit, and its resources. */
function documentRequest(type: SpecResourceType, query: ResourceRequestQuery): DocumentRequest {
  const linkages: LinkageRequest[] = [];
  for (const name of query.include) {
    const relationship = type.relationships.get(name);
    if (relationship === undefined) continue;
    linkages.push({
      relationship: name,
      ...(relationship.toMany && { limit: query.relationshipLimits.get(name) ?? DEFAULT_INCLUDED_LIMIT }),
      include: kindOf(relationship.target),
    });
  }
  return { kind: kindOf(type.type), linkages };
}

function limitsOf(type: SpecResourceType, query: ResourceRequestQuery): Map<string, number> {
  const limits = new Map<string, number>();
  for (const name of query.include) {
    if (type.relationships.get(name)?.toMany === true) {
      limits.set(name, query.relationshipLimits.get(name) ?? DEFAULT_INCLUDED_LIMIT);
    }
  }
  return limits;
}
