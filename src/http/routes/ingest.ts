import { pipeline, Transform } from 'node:stream';
import { createGunzip } from 'node:zlib';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from '../schemas/json-schema.js';
import { ApiError } from '../../errors/api-error.js';
import {
  forbidden,
  ingestionBusy,
  ingestKeyRefused,
  methodNotAllowed,
  tooManyEvents,
} from '../../errors/api-errors.js';
import { type BatchProblem, RefusedBatch } from '../../services/batch-problems.js';
import type { CountedProblem, EventBatch } from '../../services/ingestion.js';
import type { Services } from '../../services/services.js';
import { toApiError } from '../error-handling.js';
import { MAX_LISTED_ERRORS } from '../error-response.js';
import { type InFlightLimit, inFlightLimit } from '../in-flight-limit.js';
import type { IngestionMetrics } from '../metrics.js';
import type { IngestKeyRecord } from '../../domain/records/keys.js';
import { StoreUnavailableError } from '../../domain/store-problems.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The ingest key of an ingestion request, once verified. */
    ingestKey?: IngestKeyRecord;
  }
}

export interface IngestRouteDeps {
  readonly services: Services;
  /** Where accepted, duplicate and refused events are counted for GET /metrics. */
  readonly ingestionMetrics: IngestionMetrics;
}

const IngestResult = Type.Object({ accepted: Type.Integer(), duplicates: Type.Integer() });
const IngestStats = Type.Object({
  data: Type.Array(
    Type.Object({
      appId: Type.String(),
      accepted: Type.Integer(),
      duplicates: Type.Integer(),
      rejected: Type.Integer(),
      refusedBatches: Type.Integer(),
      reasons: Type.Array(
        Type.Object({
          reason: Type.String(),
          count: Type.Integer(),
          lastAt: Type.String(),
          lastDetail: Type.String(),
        }),
      ),
    }),
  ),
});
const BEARER = /^Bearer +(\S+) *$/i;

/**
 * CORS, so web apps can send events from any origin: the key is a bearer token, never a cookie, so allowing
 * every origin exposes nothing a page could not send anyway.
 */
export const CORS_RESPONSE_HEADERS = {
  'access-control-allow-origin': '*',
  'access-control-expose-headers': 'X-Request-ID, Retry-After',
};
export const CORS_PREFLIGHT_HEADERS = {
  'access-control-allow-methods': 'POST',
  'access-control-allow-headers': 'Authorization, Content-Type, Content-Encoding, X-Sent-At',
  'access-control-max-age': '86400',
};

/**
 * POST /ingest/v1/events — beta apps send usage events here, with their app's ingest key. The batch is all or
 * nothing, and the answer `{"accepted", "duplicates"}` is sent only once its events are committed.
 */
export function ingestEventsCreate(deps: IngestRouteDeps) {
  return async (request: FastifyRequest, _reply: FastifyReply) => {
    const appId = request.ingestKey?.appId ?? '';
    const batch = batchOf(request);
    const result = await deps.services.ingestion.ingestBatch(batch, appId);
    deps.ingestionMetrics.ingested(appId, result.accepted, result.duplicates);
    request.log.info({ appId, events: batch.events.length, ...result }, 'events ingested');
    return result;
  };
}

/**
 * Every refusal of a batch sent with a valid key (413, 415, 400 of any kind, from the body's parsing or from
 * its events) is counted in the app's stats and logged with its reasons: nothing is dropped silently.
 */
function countRefusal(deps: IngestRouteDeps) {
  return async (request: FastifyRequest, _reply: FastifyReply, error: FastifyError | ApiError) => {
    const appId = request.ingestKey?.appId;
    const answer = toApiError(error);
    // A 429 refuses no data: the sender sends the same batch again after Retry-After.
    if (appId === undefined || answer.status >= 500 || answer.status === 429) return;
    const body = request.body as { events?: unknown } | undefined;
    const events = Array.isArray(body?.events) ? body.events.length : 0;
    const listed = answer.items.slice(0, MAX_LISTED_ERRORS);
    const reasons = [...new Set(listed.map((item) => `${item.code}: ${item.detail}`))].slice(0, 20);
    request.log.warn({ appId, events, problems: answer.items.length, reasons }, 'batch refused');
    deps.ingestionMetrics.refused(appId, events);
    // Counted as listed: a batch's problems say where they lie; the edge's own refusals are of the batch.
    const counted: readonly CountedProblem[] =
      error instanceof RefusedBatch
        ? error.problems.slice(0, MAX_LISTED_ERRORS)
        : listed.map(({ code, detail }) => ({ code, detail }));
    try {
      await deps.services.ingestion.recordRefusedBatch(appId, events, counted);
    } catch (failure) {
      // Fastify drops what an onError hook throws without a word: say it, in one line, for this case.
      if (!(failure instanceof StoreUnavailableError)) throw failure;
      request.log.warn({ appId, cause: failure.cause }, 'the database cannot serve now: refusal not counted');
    }
  };
}

/** GET /ingest/v1/stats — per app, what ingestion accepted, found duplicate and refused, with reasons. Operators (ADMIN keys) only. */
export function ingestStatsGet(deps: IngestRouteDeps) {
  return async (request: FastifyRequest) => {
    if (request.apiKey?.role !== 'ADMIN') throw forbidden();
    return { data: await deps.services.ingestion.stats() };
  };
}

export function ingestRoutes(app: FastifyInstance, deps: IngestRouteDeps): void {
  const limits = deps.services.ingestion.limits;
  const batchesInFlight = inFlightLimit(limits.maxConcurrentBatches);
  app.addContentTypeParser('application/x-ndjson', { parseAs: 'string' }, (_request, body, done) => {
    try {
      done(null, parseNdjson(String(body), limits.maxEvents));
    } catch (error) {
      done(error as Error, undefined);
    }
  });

  app.route({
    method: 'POST',
    url: '/ingest/v1/events',
    bodyLimit: limits.maxBytes,
    config: { authentication: 'ingestKey', operationId: 'ingestEvents_create' },
    schema: { response: { 200: IngestResult } },
    onRequest: ingestKeyRequired(deps, batchesInFlight, () => ingestionBusy(limits.maxConcurrentBatches)),
    preParsing: async (request, _reply, payload) => decoded(request, payload),
    onError: countRefusal(deps),
    onSend: async (_request, reply, payload) => {
      reply.headers(CORS_RESPONSE_HEADERS);
      return payload;
    },
    handler: ingestEventsCreate(deps),
  });
  // A browser asks before it POSTs from a page of another origin, without the key.
  app.route({
    method: 'OPTIONS',
    url: '/ingest/v1/events',
    config: { authentication: 'none' },
    handler: async (_request, reply) =>
      reply
        .code(204)
        .headers({ ...CORS_RESPONSE_HEADERS, ...CORS_PREFLIGHT_HEADERS })
        .send(),
  });
  app.route({
    method: ['GET', 'PUT', 'PATCH', 'DELETE'],
    url: '/ingest/v1/events',
    config: { authentication: 'ingestKey' },
    handler: async (request) => {
      throw methodNotAllowed(request.method, ['POST']);
    },
  });

  app.route({
    method: 'GET',
    url: '/ingest/v1/stats',
    config: { rateLimited: true, operationId: 'ingestStats_get' },
    schema: { response: { 200: IngestStats } },
    handler: ingestStatsGet(deps),
  });
}

/**
 * The onRequest hook of every ingestion route: the request's ingest key names its app (401 otherwise, the
 * reason in the log, never the key), and the app has room for one more request in flight on this node
 * (`busy`'s 429 otherwise), counted before the body is read and released when the response ends or the
 * connection goes.
 */
export function ingestKeyRequired(deps: IngestRouteDeps, inFlight: InFlightLimit, busy: () => ApiError) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const key = BEARER.exec(request.headers.authorization ?? '')?.[1];
    const record = key === undefined ? undefined : await deps.services.ingestKeys.find(key);
    if (record === undefined) {
      request.log.info(
        { authFailure: key === undefined ? 'MISSING_INGEST_KEY' : 'UNKNOWN_INGEST_KEY' },
        'ingest key refused',
      );
      throw ingestKeyRefused();
    }
    request.ingestKey = record;
    const release = inFlight.enter(record.appId);
    if (release === undefined) {
      request.log.info({ appId: record.appId }, 'ingestion busy: too many requests of the app in flight');
      throw busy();
    }
    reply.raw.once('close', release);
  };
}

/** The batch of a parsed body: a JSON document `{"sentAt"?, "events": [...]}`, or NDJSON lines of events. */
function batchOf(request: FastifyRequest): EventBatch {
  const body = request.body;
  const sentAtHeader = request.headers['x-sent-at'];
  if (typeof body !== 'object' || body === null || !Array.isArray((body as { events?: unknown }).events)) {
    throw new RefusedBatch([
      {
        code: 'ENTITY_ERROR',
        detail: "The body must be a JSON object with an 'events' array, or NDJSON events",
        field: 'events',
      },
    ]);
  }
  const { events, sentAt } = body as { events: unknown[]; sentAt?: unknown };
  return { events, sentAt: sentAt ?? (typeof sentAtHeader === 'string' ? sentAtHeader : undefined) };
}

/**
 * NDJSON: one event per line, blank lines ignored; every line that is not JSON is reported. A body of more
 * lines than a batch may hold events is refused (413) before any line is parsed: a megabyte of one-character
 * lines would otherwise cost half a million parse failures, each an error to list.
 */
function parseNdjson(text: string, maxEvents: number): { events: unknown[] } {
  const lines = text.split(/\r?\n/);
  let eventLines = 0;
  for (const line of lines) if (line.trim() !== '') eventLines++;
  if (eventLines > maxEvents) throw tooManyEvents(maxEvents, eventLines);
  const events: unknown[] = [];
  const problems: BatchProblem[] = [];
  // The detail counts lines as an editor does (blank ones included); `event` counts events.
  lines.forEach((line, lineIndex) => {
    if (line.trim() === '') return;
    try {
      events.push(JSON.parse(line));
    } catch {
      problems.push({
        code: 'ENTITY_ERROR',
        detail: `Line ${lineIndex + 1} is not valid JSON`,
        event: events.length,
      });
      events.push(undefined);
    }
  });
  if (problems.length > 0) throw new RefusedBatch(problems);
  return { events };
}

/**
 * The body as the parser must see it: gunzipped when `Content-Encoding: gzip`. Fastify applies the route's
 * body limit to what this stream yields, so the limit is on uncompressed bytes and a small bomb stops early.
 */
function decoded(
  request: FastifyRequest,
  payload: NodeJS.ReadableStream & { receivedEncodedLength?: number },
) {
  const encoding = String(request.headers['content-encoding'] ?? 'identity').toLowerCase();
  if (encoding === 'identity') return payload;
  if (encoding !== 'gzip') {
    throw ApiError.of(
      'UNSUPPORTED_MEDIA_TYPE',
      `The content encoding '${encoding.slice(0, 40)}' is not accepted; send gzip or none`,
    );
  }
  const gunzip = createGunzip() as ReturnType<typeof createGunzip> & { receivedEncodedLength?: number };
  gunzip.receivedEncodedLength = 0;
  // Fastify compares Content-Length with the bytes received on the wire, not with what gunzip yields.
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      gunzip.receivedEncodedLength = (gunzip.receivedEncodedLength ?? 0) + chunk.length;
      callback(null, chunk);
    },
  });
  // pipeline, not pipe: an error anywhere (a corrupt stream, a client gone) ends all three. When nothing
  // reads the body (a 415 refuses it unread), gunzip still fails on what it got ("unexpected end of file"),
  // possibly after pipeline has let go of it: without a listener of its own that error would be thrown and
  // end the process. Whoever reads the body adds a listener and gets the error as usual.
  gunzip.on('error', () => {});
  pipeline(payload, counter, gunzip, () => {});
  return gunzip;
}
