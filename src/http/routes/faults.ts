import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Static } from 'typebox';
import { Type } from '../schemas/json-schema.js';
import { ApiError, type ErrorItem } from '../../errors/api-error.js';
import { methodNotAllowed, resourceNotFound } from '../../errors/api-errors.js';
import { faultProblems } from '../faults/fault.js';
import type { FaultRuleInput, FaultRules } from '../faults/fault-rules.js';
import type { FaultSettings } from '../faults/fault-hooks.js';
import { requireTestingControls } from '../testing-controls.js';

export interface FaultRouteDeps {
  /** Absent without `serve --allow-faults`: the paths then answer as unknown ones. */
  readonly settings: FaultSettings | undefined;
  readonly rules: FaultRules;
}

const Text = (maxLength: number) => Type.String({ minLength: 1, maxLength });
/** `POST /_beta-metrics/faults`: one rule (README, "Faults on demand"). */
const FaultRuleBody = Type.Object(
  {
    fault: Type.Object(
      {
        status: Type.Optional(Type.Integer()),
        latencyMs: Type.Optional(Type.Integer({ minimum: 0 })),
        cutBody: Type.Optional(Type.Boolean()),
        staleCursor: Type.Optional(Type.Boolean()),
      },
      { additionalProperties: false },
    ),
    match: Type.Optional(
      Type.Object(
        {
          operation: Type.Optional(Text(128)),
          keyId: Type.Optional(Text(128)),
          method: Type.Optional(Type.String({ pattern: '^[A-Za-z]{1,16}$' })),
          path: Type.Optional(Text(2048)),
        },
        { additionalProperties: false },
      ),
    ),
    when: Type.Optional(
      Type.Object(
        {
          nth: Type.Optional(Type.Integer({ minimum: 1 })),
          probability: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 1 })),
          seed: Type.Optional(Type.Integer({ minimum: 0, maximum: 0xffff_ffff })),
          forSeconds: Type.Optional(Type.Integer({ minimum: 1, maximum: 86_400 })),
          times: Type.Optional(Type.Integer({ minimum: 1 })),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);
type FaultRuleBody = Static<typeof FaultRuleBody>;

const COLLECTION = '/_beta-metrics/faults';
const INSTANCE = '/_beta-metrics/faults/:id';

/**
 * The fault rules of this node: `POST` adds one, `GET` lists them with how often each matched and fired,
 * `DELETE` clears them all; `GET` and `DELETE` of `/_beta-metrics/faults/{id}` one. For an ADMIN key with the
 * TESTING capability of a server run with `--allow-faults` only (http/testing-controls.ts); never rate
 * limited and never faulted themselves (they have no operationId).
 */
export function faultRoutes(app: FastifyInstance, deps: FaultRouteDeps): void {
  const operations = new Set<string>();
  app.addHook('onRoute', (route) => {
    const operation = route.config?.operationId;
    if (operation !== undefined) operations.add(operation);
  });
  const gate = async (request: FastifyRequest) =>
    requireTestingControls(request, deps.settings !== undefined);
  const maxLatencyMs = deps.settings?.maxLatencyMs ?? 0;

  app.post(COLLECTION, { onRequest: gate }, async (request, reply) => {
    const input = await ruleInput(request.body, maxLatencyMs, operations);
    return reply.code(201).send({ data: deps.rules.add(input) });
  });
  app.get(COLLECTION, { onRequest: gate }, async () => ({ data: deps.rules.list() }));
  app.delete(COLLECTION, { onRequest: gate }, async (_request, reply) => {
    deps.rules.clear();
    return reply.code(204).send();
  });
  app.get<{ Params: { id: string } }>(INSTANCE, { onRequest: gate }, async (request) => {
    const rule = deps.rules.list().find((candidate) => candidate.id === request.params.id);
    if (rule === undefined) throw resourceNotFound('faultRules', request.params.id);
    return { data: rule };
  });
  app.delete<{ Params: { id: string } }>(INSTANCE, { onRequest: gate }, async (request, reply) => {
    if (!deps.rules.remove(request.params.id)) throw resourceNotFound('faultRules', request.params.id);
    return reply.code(204).send();
  });
  const refuse = (allowed: string[]) => async (request: FastifyRequest, _reply: FastifyReply) => {
    throw methodNotAllowed(request.method, allowed);
  };
  app.route({
    method: ['PUT', 'PATCH'],
    url: COLLECTION,
    onRequest: gate,
    handler: refuse(['GET', 'HEAD', 'POST', 'DELETE']),
  });
  app.route({
    method: ['POST', 'PUT', 'PATCH'],
    url: INSTANCE,
    onRequest: gate,
    handler: refuse(['GET', 'HEAD', 'DELETE']),
  });
}

/** The body as a rule, or a 400 listing every problem with its `source.pointer`, in Apple's codes. */
async function ruleInput(
  body: unknown,
  maxLatencyMs: number,
  operations: ReadonlySet<string>,
): Promise<FaultRuleInput> {
  const shape = await shapeProblems(body);
  if (shape.length > 0) throw new ApiError(shape);
  const { fault, match = {}, when = {} } = body as FaultRuleBody;
  const problems: ErrorItem[] = faultProblems(fault, maxLatencyMs, (member) =>
    member === '' ? '/fault' : `/fault/${member}`,
  ).map(({ at, detail }) => invalid(at, detail));
  if (match.operation !== undefined && !operations.has(match.operation)) {
    problems.push(
      invalid(
        '/match/operation',
        `'${match.operation}' is not an operation of this server; use one of ${[...operations].join(', ')}`,
      ),
    );
  }
  if (when.seed !== undefined && when.probability === undefined)
    problems.push(invalid('/when/seed', 'a seed goes with a probability'));
  if (when.nth !== undefined && (when.probability !== undefined || when.times !== undefined))
    problems.push(invalid('/when/nth', 'nth faults one request: leave out probability and times'));
  if (problems.length > 0) throw new ApiError(problems);
  return { fault: fault as FaultRuleInput['fault'], match, when };
}

/** TypeBox's findings, one per place: an unknown member, a missing one, or a value of the wrong kind. */
async function shapeProblems(body: unknown): Promise<ErrorItem[]> {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    return [
      {
        code: 'ENTITY_ERROR',
        detail:
          'The body must be a JSON object like {"fault": {"status": 429}, "match": {"operation": "apps_getCollection"}, "when": {"nth": 3}}',
      },
    ];
  // Loaded when a rule is posted, not at start: typebox/value is some 300 ES modules (150-200 ms of every
  // start), and only servers started with --allow-faults take rules.
  const { Value } = await import('typebox/value');
  const byPlace = new Map<string, ErrorItem>();
  for (const error of Value.Errors(FaultRuleBody, body)) {
    if (error.keyword === 'additionalProperties') continue; // each unknown member has its own error
    if (error.keyword === 'boolean') {
      byPlace.set(error.instancePath, {
        code: 'ENTITY_ERROR.ATTRIBUTE.UNKNOWN',
        detail: `'${error.instancePath}' is not a member of a fault rule`,
        source: { pointer: error.instancePath },
      });
    } else if (error.keyword === 'required') {
      const params = error.params as { requiredProperties?: string[] };
      for (const name of params.requiredProperties ?? []) {
        const pointer = `${error.instancePath}/${name}`;
        byPlace.set(pointer, {
          code: 'ENTITY_ERROR.ATTRIBUTE.REQUIRED',
          detail: `'${pointer}' is required`,
          source: { pointer },
        });
      }
    } else {
      byPlace.set(error.instancePath, invalid(error.instancePath, error.message));
    }
  }
  return [...byPlace.values()];
}

function invalid(pointer: string, problem: string): ErrorItem {
  return {
    code: 'ENTITY_ERROR.ATTRIBUTE.INVALID',
    detail: `'${pointer}' is not valid: ${problem}`,
    source: { pointer },
  };
}
