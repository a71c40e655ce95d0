import { performance } from 'node:perf_hooks';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from '../schemas/json-schema.js';
import { SNAPSHOT_NAME_WORDS } from '../../domain/snapshot-name.js';
import { visibleText } from '../../domain/visible-text.js';
import { ApiError, type ErrorItem, type ErrorSource } from '../../errors/api-error.js';
import { methodNotAllowed } from '../../errors/api-errors.js';
import type { Services } from '../../services/services.js';
import { type SaveSnapshotInput, SnapshotError } from '../../services/snapshots.js';
// Every handler checks first that the server runs with --allow-faults and the key is ADMIN with TESTING (403
// otherwise, before anything about a snapshot is looked at, so other keys learn no names).
import { requireTestingControls } from '../testing-controls.js';

export interface SnapshotRouteDeps {
  readonly services: Services;
  /** `serve --allow-faults`: without it these paths are not served (404 PATH_ERROR, as any unknown path). */
  readonly allowFaults: boolean;
}

/** The test controls' prefix (docs/apple-behavior.md, §11): ours, never Apple's. */
export const SNAPSHOTS_PATH = '/_beta-metrics/snapshots';

const Snapshot = Type.Object({ name: Type.String(), savedAt: Type.String() });
const SnapshotDocument = Type.Object({ data: Snapshot });
const SnapshotsDocument = Type.Object({ data: Type.Array(Snapshot) });

/** POST /_beta-metrics/snapshots `{"name", "replace"?}`: saves the whole store under the name (201). */
export function snapshotsCreate(deps: SnapshotRouteDeps) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    requireTestingControls(request, deps.allowFaults);
    const input = saveInput(request.body);
    const saved = await answered(() => deps.services.snapshots.save(input), { pointer: '/name' });
    request.log.info({ snapshot: saved.name, replace: input.replace === true }, 'snapshot saved');
    reply.code(201);
    return { data: saved };
  };
}

/** POST /_beta-metrics/snapshots/{name}/restore: puts the whole store back as saved; every node sees it at once. */
export function snapshotsRestore(deps: SnapshotRouteDeps) {
  return async (request: FastifyRequest<{ Params: { name: string } }>) => {
    requireTestingControls(request, deps.allowFaults);
    const started = performance.now();
    const restored = await answered(() => deps.services.snapshots.restore(request.params.name), {
      parameter: 'name',
    });
    request.log.info(
      { snapshot: restored.name, tookMs: Math.round(performance.now() - started) },
      'snapshot restored',
    );
    return { data: restored };
  };
}

/** GET /_beta-metrics/snapshots: the store's snapshots, by name. */
export function snapshotsGetCollection(deps: SnapshotRouteDeps) {
  return async (request: FastifyRequest) => {
    requireTestingControls(request, deps.allowFaults);
    return { data: await deps.services.snapshots.list() };
  };
}

/** DELETE /_beta-metrics/snapshots/{name} (204). */
export function snapshotsDelete(deps: SnapshotRouteDeps) {
  return async (request: FastifyRequest<{ Params: { name: string } }>, reply: FastifyReply) => {
    requireTestingControls(request, deps.allowFaults);
    await answered(() => deps.services.snapshots.delete(request.params.name), { parameter: 'name' });
    request.log.info({ snapshot: request.params.name }, 'snapshot deleted');
    return reply.code(204).send();
  };
}

/** The snapshot controls, registered only with `--allow-faults`: otherwise their paths are unknown paths. */
export function snapshotRoutes(app: FastifyInstance, deps: SnapshotRouteDeps): void {
  if (!deps.allowFaults) return;
  const one = `${SNAPSHOTS_PATH}/:name`;
  const restore = `${SNAPSHOTS_PATH}/:name/restore`;
  app.route({
    method: 'POST',
    url: SNAPSHOTS_PATH,
    schema: { response: { 201: SnapshotDocument } },
    handler: snapshotsCreate(deps),
  });
  app.route({
    method: 'GET',
    url: SNAPSHOTS_PATH,
    schema: { response: { 200: SnapshotsDocument } },
    handler: snapshotsGetCollection(deps),
  });
  app.route({
    method: 'POST',
    url: restore,
    schema: { response: { 200: SnapshotDocument } },
    handler: snapshotsRestore(deps),
  });
  app.route({ method: 'DELETE', url: one, handler: snapshotsDelete(deps) });
  notAllowed(app, SNAPSHOTS_PATH, ['PUT', 'PATCH', 'DELETE'], ['GET', 'HEAD', 'POST']);
  notAllowed(app, one, ['GET', 'HEAD', 'POST', 'PUT', 'PATCH'], ['DELETE']);
  notAllowed(app, restore, ['GET', 'HEAD', 'PUT', 'PATCH', 'DELETE'], ['POST']);
}

function notAllowed(
  app: FastifyInstance,
  url: string,
  methods: readonly ('GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE')[],
  allowed: readonly string[],
): void {
  app.route({
    method: [...methods],
    url,
    handler: async (request) => {
      throw methodNotAllowed(request.method, allowed);
    },
  });
}

const SAVE_ATTRIBUTES = new Set(['name', 'replace']);

/** The body of a save, every problem of it in one 400 with its `source.pointer`. */
function saveInput(body: unknown): SaveSnapshotInput {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw ApiError.of(
      'ENTITY_ERROR',
      'The body must be a JSON object: {"name": "<snapshot name>", "replace": false}',
    );
  }
  const fields = body as Record<string, unknown>;
  const problems: ErrorItem[] = [];
  const { name, replace } = fields;
  if (name === undefined) {
    problems.push({
      code: 'ENTITY_ERROR.ATTRIBUTE.REQUIRED',
      detail: "The snapshot's 'name' is required",
      source: { pointer: '/name' },
    });
  } else if (typeof name !== 'string') {
    problems.push({
      code: 'ENTITY_ERROR.ATTRIBUTE.INVALID',
      detail: "The snapshot's 'name' must be a string",
      source: { pointer: '/name' },
    });
  }
  if (replace !== undefined && typeof replace !== 'boolean') {
    problems.push({
      code: 'ENTITY_ERROR.ATTRIBUTE.INVALID',
      detail: "'replace' must be true or false",
      source: { pointer: '/replace' },
    });
  }
  for (const key of Object.keys(fields)) {
    if (SAVE_ATTRIBUTES.has(key)) continue;
    problems.push({
      code: 'ENTITY_ERROR.ATTRIBUTE.UNKNOWN',
      detail: `'${shown(key)}' is not an attribute of a snapshot; send 'name' and, to replace one, 'replace'`,
      source: { pointer: `/${key.replaceAll('~', '~0').replaceAll('/', '~1')}` },
    });
  }
  if (problems.length > 0) throw new ApiError(problems);
  return { name: String(name), replace: replace === true };
}

/**
 * The service's refusals in Apple's shape: a name that breaks the rule 400 (its `source`: the body's
 * pointer or the path's parameter), an unknown snapshot 404 NOT_FOUND, a name taken or a snapshot of other
 * migrations 409 STATE_ERROR (Apple's code for a conflict).
 */
async function answered<T>(work: () => Promise<T>, source: ErrorSource): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (!(error instanceof SnapshotError)) throw error;
    const name = shown(error.snapshotName);
    switch (error.kind) {
      case 'name':
        throw ApiError.of(
          'pointer' in source ? 'ENTITY_ERROR.ATTRIBUTE.INVALID' : 'PARAMETER_ERROR.INVALID',
          `'${name}' is not a valid snapshot name; use ${SNAPSHOT_NAME_WORDS}`,
          source,
        );
      case 'unknown':
        throw ApiError.of('NOT_FOUND', `There is no snapshot named '${name}'`);
      case 'exists':
        throw ApiError.of(
          'STATE_ERROR',
          `A snapshot named '${name}' already exists; send "replace": true to replace it, or delete it first`,
        );
      case 'incompatible':
        throw ApiError.of('STATE_ERROR', error.message);
    }
  }
}

/** Text of the request as a detail may show it: at most 64 characters, controls and invisibles escaped. */
function shown(text: string): string {
  return visibleText(text.length > 64 ? `${text.slice(0, 64)}…` : text);
}
