import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DASHBOARD_PATH } from '../../services/dashboard-sessions.js';
import {
  type AnsweredParts,
  type AnsweredRequest,
  clipBody,
  type DeferredJournalRecord,
  type JournalExtras,
  type JournalRecord,
  type RequestJournal,
} from '../../services/request-journal.js';
import { operationIdOf } from '../operation-id.js';
import { pathOf, queryPairsOf, requestPath } from '../query-string.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * `false`: answers of this route stay out of the request journal: the journal's own, and what probes call
     * every few seconds (`/healthz`, `/metrics`), which would flood the journal a test reads.
     */
    journaled?: boolean;
  }
}

/** The status of a request whose client went away before its answer (nginx's "client closed request"). */
export const ABORTED_STATUS = 499;
/** Error codes kept of one answer: a refused batch lists up to 100 problems, mostly of a few codes. */
const MAX_ERROR_CODES = 20;
const REDACTED = '[REDACTED]';
/** Query parameters that are credentials: a sign-in link's token, a screenshot URL's signature. */
const REDACTED_PARAMETERS = new Set(['token', 'signature']);

/** What onSend saw of an answer, for onResponse to record. */
type SentAnswer = Pick<JournalExtras, 'errorCodes' | 'responseBody'>;

/**
 * Records every answered request of the server, both doors, in the journal: registered on the root instance
 * before the doors, so its hooks run for the API's and the dashboard's routes alike. What never enters an
 * entry: headers (so no `Authorization`, cookie or `Set-Cookie`), the value of any `token` or `signature`
 * query parameter (a dashboard sign-in link carries one, a screenshot URL the other), an ingest key (only its
 * id), the bodies of ingestion requests (testers' data from apps in the field), any body of a dashboard request
 * or page (its forms carry sign-in tokens) and any answer that is not text (a tester's screenshot).
 */
export function registerRequestJournal(app: FastifyInstance, journal: RequestJournal): void {
  if (journal.limits.maxEntries === 0) return;
  const sent = new WeakMap<FastifyRequest, SentAnswer>();
  const recorded = new WeakSet<FastifyRequest>();
  const bodyBytes = journal.limits.bodyBytes;

  app.addHook('onSend', (request, reply, payload, done) => {
    if (isJournaled(request)) {
      const errorCodes = reply.statusCode >= 400 ? errorCodesOf(reply, payload) : undefined;
      const responseBody =
        bodyBytes > 0 && mayKeepBodies(request) && isText(reply) ? payloadText(payload) : undefined;
      sent.set(request, {
        ...(errorCodes !== undefined && errorCodes.length > 0 && { errorCodes }),
        ...(responseBody !== undefined && { responseBody: clipBody(responseBody, bodyBytes) }),
      });
    }
    done(null, payload);
  });
  const record = (request: FastifyRequest, reply: FastifyReply, aborted: boolean) => {
    if (!isJournaled(request) || recorded.has(request)) return;
    recorded.add(request);
    const answer = sent.get(request) ?? {};
    journal.record(
      entryOf(request, reply, aborted ? ABORTED_STATUS : reply.statusCode, bodyBytes, {
        ...answer,
        ...(aborted && { aborted: true }),
      }),
    );
  };
  app.addHook('onResponse', (request, reply, done) => {
    record(request, reply, false);
    done();
  });
  // onRequestAbort is handed the request alone; its reply (which times it) is kept from onRequest.
  const replies = new WeakMap<FastifyRequest, FastifyReply>();
  app.addHook('onRequest', (request, reply, done) => {
    replies.set(request, reply);
    done();
  });
  app.addHook('onRequestAbort', (request, done) => {
    const reply = replies.get(request);
    if (reply !== undefined) record(request, reply, true);
    done();
  });
}

/**
 * Records a request Fastify could not route at all (`/v1/%zz`), which it answers before any hook runs
 * (main/create-app.ts's frameworkErrors), once its answer is sent. Its error codes are not known here.
 */
export function journalUnroutable(
  journal: RequestJournal,
  request: FastifyRequest,
  reply: FastifyReply,
): void {
  if (journal.limits.maxEntries === 0) return;
  reply.raw.once('finish', () => journal.record(entryOf(request, reply, reply.statusCode, 0)));
}

function entryOf(
  request: FastifyRequest,
  reply: FastifyReply,
  status: number,
  bodyBytes: number,
  extras: JournalExtras = {},
): DeferredJournalRecord {
  const requestBody =
    bodyBytes > 0 && mayKeepBodies(request) && !isIngestion(request) ? bodyText(request.body) : undefined;
  return journalRecordOf(
    {
      method: request.method,
      url: request.url,
      status,
      elapsedMs: reply.elapsedTime,
      keyId: request.apiKey?.keyId ?? request.ingestKey?.id,
      operation: operationIdOf(request),
      requestId: request.id,
    },
    { ...extras, ...(requestBody !== undefined && { requestBody: clipBody(requestBody, bodyBytes) }) },
  );
}

/**
 * The journal's entry of an answered request, secrets in its query redacted: the hooks above and the answer
 * replay (http/answer-replay.ts) record through this one function, so both write the same entries.
 */
export function journalRecordOf(answered: AnsweredRequest, extras?: JournalExtras): DeferredJournalRecord {
  const { method, url, status, elapsedMs, keyId, operation, requestId } = answered;
  return {
    bytes: journalBytesAtMost(answered, extras),
    // Copied field by field: the journal keeps the parts, not `answered`, which may be more than they are.
    parts: {
      method,
      url,
      status,
      elapsedMs,
      keyId,
      operation,
      requestId,
      arrivedAt: Date.now() - elapsedMs,
      // Most answers have none: no object is kept for them.
      extras: extras !== undefined && Object.keys(extras).length > 0 ? extras : undefined,
    },
    make: madeEntry,
  };
}

/** The entry of a deferred record, as a read shows it. */
function madeEntry(parts: AnsweredParts): JournalRecord {
  const { elapsedMs, keyId, operation, extras } = parts;
  return {
    at: new Date(parts.arrivedAt).toISOString(),
    method: parts.method,
    path: pathOf(parts.url),
    query: queryPairsOf(parts.url).map(([name, value]) => [
      name,
      REDACTED_PARAMETERS.has(name.toLowerCase()) ? REDACTED : value,
    ]),
    status: parts.status,
    durationMs: Math.round(elapsedMs * 10) / 10,
    ...(keyId !== undefined && { keyId }),
    ...(operation !== undefined && { operation }),
    requestId: parts.requestId,
    ...(extras?.requestBody !== undefined && { requestBody: extras.requestBody }),
    ...(extras?.errorCodes !== undefined && { errorCodes: extras.errorCodes }),
    ...(extras?.responseBody !== undefined && { responseBody: extras.responseBody }),
    ...(extras?.aborted && { aborted: true }),
  };
}

/** The names, numbers and punctuation of an entry's JSON, its longest numbers (seq, status, duration) included. */
const ENTRY_FRAME_BYTES = 256;
/** JSON's longest form of one UTF-16 unit of text: a control character as `\u001f`. */
const JSON_BYTES_PER_UNIT = 6;
/**
 * Bytes of the path and decoded query per character of the request target: a character decodes to at most
 * JSON_BYTES_PER_UNIT, a pair (at least `&` and a one-character name) adds its brackets, quotes and commas
 * (`["a",""],`), and a redacted value is `[REDACTED]` whatever its length.
 */
const JSON_BYTES_PER_TARGET_CHARACTER = 10;

/**
 * An upper bound of the JSON bytes of the entry `journalRecordOf` makes, from the lengths of its parts alone.
 * Bodies, kept only when an operator asks (`serve --journal-bodies`), are measured exactly.
 */
export function journalBytesAtMost(answered: AnsweredRequest, extras: JournalExtras | undefined): number {
  const text = (value: string | undefined) => JSON_BYTES_PER_UNIT * (value?.length ?? 0);
  let bytes =
    ENTRY_FRAME_BYTES +
    JSON_BYTES_PER_TARGET_CHARACTER * answered.url.length +
    text(answered.method) +
    text(answered.keyId) +
    text(answered.operation) +
    text(answered.requestId);
  // Most answers have no extras: no array is made to find that out.
  if (extras === undefined) return bytes;
  if (extras.errorCodes !== undefined) for (const code of extras.errorCodes) bytes += text(code) + 3;
  if (extras.requestBody !== undefined) bytes += bodyBytes(extras.requestBody);
  if (extras.responseBody !== undefined) bytes += bodyBytes(extras.responseBody);
  return bytes;
}

/** A kept body's JSON text, quotes and escapes included, and its name. */
function bodyBytes(body: string): number {
  return Buffer.byteLength(JSON.stringify(body)) + 20;
}

function isJournaled(request: FastifyRequest): boolean {
  return request.routeOptions.config.journaled !== false;
}

/** Ingestion requests carry an ingest key: their bodies are testers' events, never kept. */
function isIngestion(request: FastifyRequest): boolean {
  return request.routeOptions.config.authentication === 'ingestKey';
}

/** No body of the dashboard's is kept: its sign-in form posts a token, and its pages may show one. */
function mayKeepBodies(request: FastifyRequest): boolean {
  const path = requestPath(request);
  return path !== DASHBOARD_PATH && !path.startsWith(`${DASHBOARD_PATH}/`);
}

/** Only answers in text are kept: never an image's bytes (a tester's screenshot). */
function isText(reply: FastifyReply): boolean {
  const type = String(reply.getHeader('content-type') ?? '');
  return type === '' || type.startsWith('application/json') || type.startsWith('text/');
}

/** The codes of an answer in Apple's ErrorResponse shape, each once; none for any other body. */
function errorCodesOf(reply: FastifyReply, payload: unknown): readonly string[] | undefined {
  if (!String(reply.getHeader('content-type') ?? '').startsWith('application/json')) return undefined;
  const text = payloadText(payload);
  if (text === undefined) return undefined;
  try {
    const body = JSON.parse(text) as { errors?: unknown };
    if (!Array.isArray(body.errors)) return undefined;
    const codes = body.errors
      .map((error: unknown) => (error as { code?: unknown } | null)?.code)
      .filter((code): code is string => typeof code === 'string');
    return [...new Set(codes)].slice(0, MAX_ERROR_CODES);
  } catch {
    return undefined;
  }
}

/** The text of a payload Fastify is about to send; undefined for a stream or no body. */
function payloadText(payload: unknown): string | undefined {
  if (typeof payload === 'string') return payload;
  if (Buffer.isBuffer(payload)) return payload.toString('utf8');
  return undefined;
}

/** A parsed request body as text: JSON for what the parsers made of it. */
function bodyText(body: unknown): string | undefined {
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string') return body;
  if (Buffer.isBuffer(body)) return body.toString('utf8');
  try {
    return JSON.stringify(body);
  } catch {
    return undefined;
  }
}
