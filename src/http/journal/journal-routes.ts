import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from '../schemas/json-schema.js';
import { forbidden, invalidParameterItem, methodNotAllowed } from '../../errors/api-errors.js';
import { MAX_JOURNAL_READ, type RequestJournal } from '../../services/request-journal.js';
import { enumListRule, idListRule, limitRule, type ParamRule, parseQuery } from '../params/query-params.js';
import { queryPairs } from '../query-string.js';

export const JOURNAL_PATH = '/_beta-metrics/journal';
export const DEFAULT_JOURNAL_READ = 100;
/** The methods an entry may have; a filter on any other is a mistake worth a 400. */
const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;

const JournalEntryResource = Type.Object({
  seq: Type.Integer(),
  at: Type.String(),
  method: Type.String(),
  path: Type.String(),
  query: Type.Array(Type.Array(Type.String())),
  status: Type.Integer(),
  durationMs: Type.Number(),
  keyId: Type.Optional(Type.String()),
  operation: Type.Optional(Type.String()),
  errorCodes: Type.Optional(Type.Array(Type.String())),
  requestId: Type.String(),
  aborted: Type.Optional(Type.Boolean()),
  requestBody: Type.Optional(Type.String()),
  responseBody: Type.Optional(Type.String()),
});
const JournalResponse = Type.Object({
  data: Type.Array(JournalEntryResource),
  meta: Type.Object({ nextSince: Type.Integer() }),
});

/** Neither the journal's reads nor its clearing are journaled: a test's polling would fill it. */
const JOURNAL_ROUTE = { journaled: false } as const;

/**
 * GET /_beta-metrics/journal — the requests this node answered, newest last, filtered (README, "Request
 * journal"); DELETE clears it. ADMIN keys only: the journal shows every caller's requests. Reads do not spend
 * the key's hourly budget.
 */
export function journalRoutes(app: FastifyInstance, journal: RequestJournal): void {
  // Every operation any route declares, gathered as routes are added (this runs before the API's routes):
  // a filter on another is a typo the caller should hear about.
  const operations = new Set<string>();
  app.addHook('onRoute', (route) => {
    const operation = route.config?.operationId;
    if (operation !== undefined) operations.add(operation);
  });

  app.route({
    method: 'GET',
    url: JOURNAL_PATH,
    config: JOURNAL_ROUTE,
    schema: { response: { 200: JournalResponse } },
    handler: journalGet(journal, operations),
  });
  app.route({
    method: 'DELETE',
    url: JOURNAL_PATH,
    config: JOURNAL_ROUTE,
    handler: journalDelete(journal),
  });
  app.route({
    method: ['POST', 'PUT', 'PATCH'],
    url: JOURNAL_PATH,
    config: JOURNAL_ROUTE,
    handler: async (request) => {
      throw methodNotAllowed(request.method, ['GET', 'HEAD', 'DELETE']);
    },
  });
}

/** GET /_beta-metrics/journal: filters combine with AND, a comma list matches any of its values. */
export function journalGet(journal: RequestJournal, operations: ReadonlySet<string>) {
  return async (request: FastifyRequest) => {
    requireAdmin(request);
    const known = [...operations].sort();
    const { values } = parseQuery(queryPairs(request), {
      operation: {
        ...enumListRule(known),
        invalid: (name, raw) => ({
          ...invalidParameterItem(name, raw),
          detail: `'${raw}' is not a valid value for the parameter '${name}'; operations: ${known.join(', ')}`,
        }),
      },
      keyId: idListRule(),
      status: statusListRule(),
      method: enumListRule(METHODS),
      since: sequenceRule(),
      limit: limitRule(MAX_JOURNAL_READ),
    });
    const page = journal.read({
      ...(values.operation !== undefined && { operations: values.operation }),
      ...(values.keyId !== undefined && { keyIds: values.keyId }),
      ...(values.status !== undefined && { statuses: values.status }),
      ...(values.method !== undefined && { methods: values.method }),
      ...(values.since !== undefined && { since: values.since }),
      limit: values.limit ?? DEFAULT_JOURNAL_READ,
    });
    return { data: page.entries, meta: { nextSince: page.nextSince } };
  };
}

/** DELETE /_beta-metrics/journal: forgets every entry; sequence numbers go on from where they were. */
export function journalDelete(journal: RequestJournal) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    requireAdmin(request);
    journal.clear();
    return reply.code(204).send();
  };
}

function requireAdmin(request: FastifyRequest): void {
  if (request.apiKey?.role !== 'ADMIN') throw forbidden();
}

/** `status=429,500`: HTTP statuses, 100 to 599 (499: aborted by the client). */
function statusListRule(): ParamRule<number[]> {
  return {
    parse(raw) {
      const items = raw.split(',');
      if (!items.every((item) => /^[1-5]\d\d$/.test(item))) return undefined;
      return items.map(Number);
    },
  };
}

/** `since`: a sequence number, 0 or more. */
function sequenceRule(): ParamRule<number> {
  return {
    parse: (raw) => (/^\d{1,15}$/.test(raw) ? Number(raw) : undefined),
    echo: (value) => String(value),
  };
}
