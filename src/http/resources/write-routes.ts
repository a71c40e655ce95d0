import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isResourceKind } from '../../domain/resource-kinds.js';
import { StoreConflictError } from '../../domain/store-problems.js';
import { ApiError } from '../../errors/api-error.js';
import { resourceNotFound, stateConflict } from '../../errors/api-errors.js';
import { ConflictError, InputError, problemSentence } from '../../services/input-error.js';
import type { Services } from '../../services/services.js';
import { requireTestFlightWriter } from '../access-control.js';
import { linkTo, type PublicBaseUrl } from '../links.js';
import { type DocumentContext, documentParts, resourcePath } from './resource-document.js';
import { kindOf } from './resource-query.js';
import { servedResourceOperations } from './resource-routes.js';
import { testflightSpec } from './spec-operations.js';
import type { RequestBody, SpecWrite } from './spec-writes.js';
import { readLinkageBody, readResourceBody, type ResourceBody, WRITE_ENTITY_STATUS } from './write-body.js';
import { servedWrites, WRITE_OPERATIONS, type WriteOutcome } from './write-operations.js';

/**
 * Every write of the TestFlight slice that write-operations.ts declares, registered from Apple's spec
 * (spec-writes.ts) under its operationId, with one flow for all (docs/apple-behavior.md, §4 and §10): the
 * resource the path names exists (404), the key may write TestFlight data (403), the body holds what the
 * request schema says (409 with pointers), then the operation; 201 with the resource and `Location` for a
 * create, 200 with it for an update, 204 for a delete and a relationship write.
 */

export interface WriteRouteDeps {
  readonly services: Services;
  readonly baseUrl: PublicBaseUrl;
}

/** A write's body is a few identifiers and attributes; 1,000 linkages fit in well under this. */
export const MAX_WRITE_BODY_BYTES = 256 * 1024;

export function writeRoutes(app: FastifyInstance, deps: WriteRouteDeps): void {
  for (const write of servedWrites()) {
    app.route({
      method: write.method,
      url: write.path.replace('{id}', ':id'),
      bodyLimit: MAX_WRITE_BODY_BYTES,
      config: { rateLimited: true, operationId: write.operationId },
      handler: writeHandler(write, deps),
    });
  }
}

type WriteRequest = FastifyRequest<{ Params: { id?: string } }>;

function writeHandler(write: SpecWrite, deps: WriteRouteDeps) {
  const operation = WRITE_OPERATIONS[write.operationId];
  if (operation === undefined) throw new Error(`${write.operationId} has no operation`);
  const spec = testflightSpec();
  const noBody: ResourceBody = { attributes: {}, relationships: new Map() };
  return async (request: WriteRequest, reply: FastifyReply): Promise<unknown> => {
    const id = request.params.id ?? '';
    if (write.shape.kind !== 'create') {
      const kind = kindOf(write.shape.type);
      if (!(await deps.services.resources.exists(kind, id))) throw resourceNotFound(write.shape.type, id);
    }
    requireTestFlightWriter(request);
    const schema = write.body;
    const body =
      schema?.kind === 'resource' ? readResourceBody(schema, request.body, id || undefined) : noBody;
    const ids = schema?.kind === 'linkage' ? readLinkageBody(schema.target, request.body) : [];
    if (schema?.kind === 'resource') refuseUnservedRelationships(schema, body);
    let outcome: WriteOutcome;
    try {
      outcome = await operation({ services: deps.services, id, body, ids });
    } catch (error) {
      throw writeRefusal(error, schema) ?? error;
    }
    if (outcome === undefined) return reply.code(204).send();
    const document = await resourceDocument(deps, request, spec, outcome);
    if (write.shape.kind === 'create') {
      reply.header('location', linkTo(deps.baseUrl(request), resourcePath(outcome.type, outcome.id), []));
      reply.code(201);
    }
    return document;
  };
}

/** A body relationship to a type outside the slice (a build's appEncryptionDeclaration) is refused, never dropped. */
function refuseUnservedRelationships(
  schema: Extract<RequestBody, { kind: 'resource' }>,
  body: ResourceBody,
): void {
  const items = [...body.relationships.keys()]
    .filter((name) => !isResourceKind(schema.relationships.get(name)?.target ?? ''))
    .map((name) => ({
      code: 'ENTITY_ERROR.RELATIONSHIP.INVALID' as const,
      detail: `The relationship '${name}' names ${schema.relationships.get(name)?.target}, which beta-metrics does not serve`,
      source: { pointer: `/data/relationships/${name}` },
    }));
  if (items.length > 0) throw new ApiError(items, {}, WRITE_ENTITY_STATUS);
}

/**
 * The services' refusals in Apple's shape: a conflict is 409 STATE_ERROR; bad input is an entity error whose
 * pointer is the attribute or relationship the service names (`field`), or the whole `data` when it names none.
 */
function writeRefusal(error: unknown, schema: RequestBody | undefined): ApiError | undefined {
  if (error instanceof ConflictError || error instanceof StoreConflictError)
    return stateConflict(error instanceof ConflictError ? error.message : `The ${error.what} already exists`);
  if (!(error instanceof InputError)) return undefined;
  const field = error.field;
  const item =
    schema?.kind === 'linkage'
      ? { code: 'ENTITY_ERROR.RELATIONSHIP.INVALID' as const, pointer: '/data' }
      : field !== undefined && schema?.relationships.has(field)
        ? { code: 'ENTITY_ERROR.RELATIONSHIP.INVALID' as const, pointer: `/data/relationships/${field}` }
        : field !== undefined && schema?.attributes.has(field)
          ? { code: 'ENTITY_ERROR.ATTRIBUTE.INVALID' as const, pointer: `/data/attributes/${field}` }
          : { code: 'ENTITY_ERROR' as const, pointer: '/data' };
  return new ApiError(
    // The services write for an operator ("there is no beta group 'x'"); Apple's details are sentences.
    [{ code: item.code, detail: problemSentence(error), source: { pointer: item.pointer } }],
    {},
    WRITE_ENTITY_STATUS,
  );
}

/** The resource a create or update made, as its instance GET shows it (without `include`). */
async function resourceDocument(
  deps: WriteRouteDeps,
  request: FastifyRequest,
  spec: ReturnType<typeof testflightSpec>,
  outcome: NonNullable<WriteOutcome>,
): Promise<unknown> {
  const self = linkTo(deps.baseUrl(request), resourcePath(outcome.type, outcome.id), []);
  // A resource kept nowhere but in its effects (an invitation: the tester's invitedAt) is its identifier.
  if (!isResourceKind(outcome.type))
    return { data: { type: outcome.type, id: outcome.id, links: { self } }, links: { self } };
  const type = spec.resourceType(outcome.type);
  if (type === undefined) throw new Error(`the spec has no resource type ${outcome.type}`);
  const document = await deps.services.resources.readOne(
    { kind: kindOf(outcome.type), linkages: [] },
    outcome.id,
  );
  if (document === undefined) throw resourceNotFound(outcome.type, outcome.id);
  const context: DocumentContext = {
    spec,
    base: deps.baseUrl(request),
    fields: new Map(),
    servedPaths: servedReadPaths(),
  };
  const parts = documentParts(context, type, document, new Map());
  return { data: parts.data[0], links: { self } };
}

let readPaths: ReadonlySet<string> | undefined;
function servedReadPaths(): ReadonlySet<string> {
  readPaths ??= new Set(servedResourceOperations(testflightSpec()).map((operation) => operation.path));
  return readPaths;
}
