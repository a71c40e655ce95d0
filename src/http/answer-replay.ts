import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { FastifyBaseLogger, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { RateLimiter } from '../services/rate-limiter.js';
import type { RequestJournal } from '../services/request-journal.js';
import type { TokenVerifier } from '../services/token-verifier.js';
import { budgetsTaken, rateLimitHeader } from './access-control.js';
import { journalRecordOf } from './journal/journal-hooks.js';
import type { AppMetrics } from './metrics.js';
import { operationIdOf } from './operation-id.js';
import { pathOf, queryPairsOf } from './query-string.js';
import { FreshAnswers, type Stamped } from './recently-used.js';
import { requestIdOf } from './request-id.js';

/**
 * Answers a repeated read without Fastify, when everything that decides it is already known.
 *
 * A CPU profile of a repeated page served from the page cache put most of the process in the hooks around it
 * (docs/architecture.md, "Answer replay"): small answers came at a quarter of what bare node:http sends. So a
 * 200 answer to a GET of a route that says how to check it is still current (`markReplayable`: the metrics
 * family, whose answers are kept under their freshness) is kept here as sent, headers and bytes, under the
 * key that asked, the Host it was asked of and the request target. The same request again is answered from
 * it by the server's own `request` listener after the same checks, made by the same functions, in the same
 * order:
 * - its token verifies for that key and that request (`TokenVerifier.verify`: revocation, expiry, scope);
 * - the route's freshness is still the one the answer was made at (a write on any node changes it);
 * - the key's budget allows it (`RateLimiter.consume`); spent, the request goes on to Fastify, which answers
 *   429 with the budget already taken (access-control.ts's `budgetsTaken`).
 * What Fastify's hooks do for every answer is done the same way: a request id (request-id.ts), `X-Rate-Limit`,
 * the journal's entry (journal-hooks.ts's `journalRecordOf`), the request metrics (`AppMetrics.observe`) and,
 * at the info level, the two log lines of a request. Anything else goes to Fastify untouched: other methods, a
 * body, no Host, a fault asked for or a fault rule set, the journal keeping bodies, a closing server, and any
 * failure of a check, which Fastify then makes again and answers as it always does.
 */
export interface AnswerReplayDeps {
  readonly tokens: TokenVerifier;
  /** Absent when rate limiting is off. */
  readonly rateLimiter?: RateLimiter;
  readonly journal: RequestJournal;
  readonly metrics: AppMetrics;
  /** Whether a fault could apply to a request: one is asked for or a rule is set (`serve --allow-faults`). */
  readonly faultsPossible: (request: IncomingMessage) => boolean;
  /** Bytes of answers kept, keys included. */
  readonly maxBytes?: number;
}

/** How a route's answer is checked before it is sent again: the freshness it was made at, and how to read it now. */
export interface Replayable {
  /** What the freshness is of (the request's path); answers of one scope go together once it moves on. */
  readonly scope: string;
  readonly freshness: string;
  /** The route's freshness now, from the store; undefined once what it answers is gone. */
  readonly recheck: () => Promise<string | undefined>;
}

export const DEFAULT_REPLAY_BYTES = 16 * 1024 * 1024;

const replayables = new WeakMap<FastifyRequest, Replayable>();

/** Says that this request's 200 answer may be kept and replayed while `replayable.recheck` gives the same freshness. */
export function markReplayable(reply: FastifyReply, replayable: Replayable): void {
  replayables.set(reply.request, replayable);
}

/** `scope` and `freshness`: the Replayable's, which `recheck` reads again. */
interface KeptAnswer extends Stamped {
  readonly body: Buffer;
  /** The answer's headers in the order sent, with `x-rate-limit` and `x-request-id` filled in per request. */
  readonly headers: ReadonlyArray<readonly [string, string]>;
  readonly route: string | undefined;
  readonly operation: string | undefined;
  readonly recheck: Replayable['recheck'];
}

/** The levels at which Fastify logs every request (`incoming request`, `request completed`: both at info). */
const LOGS_REQUESTS = new Set(['trace', 'debug', 'info']);

/** Headers made per request, not kept: Node and Fastify set the length, and the connection's own. */
const PER_REQUEST_HEADERS = new Set(['content-length', 'date', 'connection', 'keep-alive']);

export interface AnswerReplay {
  /** Keeps the replayable answers of `app` as they are sent, and answers their repeats from `app.server`. */
  install(app: FastifyInstance): void;
  /** What is kept now. */
  size(): { entries: number; bytes: number };
}

export function answerReplay(deps: AnswerReplayDeps): AnswerReplay {
  const maxBytes = deps.maxBytes ?? DEFAULT_REPLAY_BYTES;
  const kept = new FreshAnswers<KeptAnswer>(maxBytes);
  let closing = false;

  const record = (request: FastifyRequest, reply: FastifyReply, payload: unknown) => {
    const replayable = replayables.get(request);
    if (replayable === undefined || request.method !== 'GET' || reply.statusCode !== 200) return;
    if (request.apiKey === undefined || request.fault !== undefined) return;
    // Documents built as objects arrive serialized as text; the metrics family's as the bytes it keeps.
    const body = typeof payload === 'string' ? Buffer.from(payload) : payload;
    if (!Buffer.isBuffer(body)) return;
    const headers: [string, string][] = [];
    for (const [name, value] of Object.entries(reply.getHeaders())) {
      if (PER_REQUEST_HEADERS.has(name) || value === undefined || Array.isArray(value)) return;
      headers.push([name, String(value)]);
    }
    const key = keyOf(request.apiKey.keyId, request.raw);
    kept.keep(key, {
      body,
      headers,
      route: request.routeOptions.url,
      operation: operationIdOf(request),
      scope: replayable.scope,
      freshness: replayable.freshness,
      recheck: replayable.recheck,
      bytes: key.length + body.length + 64 * (headers.length + 1),
    });
  };

  /** The kept answer's bytes, or undefined when the request must go to Fastify. */
  const replay = async (request: IncomingMessage, response: ServerResponse, log: FastifyBaseLogger) => {
    const started = performance.now();
    const url = request.url ?? '/';
    const key = await deps.tokens.verify(request.headers.authorization, {
      method: 'GET',
      path: pathOf(url),
      // Read only by a token with a `scope`: most have none.
      get query() {
        return queryPairsOf(url);
      },
    });
    const cacheKey = keyOf(key.keyId, request);
    const entry = kept.peek(cacheKey);
    if (entry === undefined) return false;
    const freshness = await entry.recheck();
    if (freshness !== entry.freshness) {
      // Every answer of the scope made at the old freshness is stale too (unless kept again meanwhile).
      kept.retire(entry.scope, freshness);
      return false;
    }
    const budget = await deps.rateLimiter?.consume(key.keyId);
    if (budget !== undefined && !budget.allowed) {
      budgetsTaken.set(request, budget);
      return false;
    }
    kept.use(cacheKey);
    const requestId = requestIdOf(request);
    const headers: string[] = [];
    for (const [name, value] of entry.headers) {
      headers.push(name);
      if (name === 'x-rate-limit') headers.push(budget === undefined ? value : rateLimitHeader(budget));
      else if (name === 'x-request-id') headers.push(requestId);
      else headers.push(value);
    }
    headers.push('content-length', String(entry.body.length));
    const requestLog = LOGS_REQUESTS.has(log.level) ? log.child({ requestId }) : undefined;
    requestLog?.info({ req: asLoggedRequest(request) }, 'incoming request');
    const aborted = request.socket.destroyed;
    if (!aborted) {
      response.writeHead(200, headers);
      response.end(entry.body);
    }
    const elapsedMs = performance.now() - started;
    deps.journal.record(
      journalRecordOf({
        method: 'GET',
        url,
        status: aborted ? 499 : 200,
        elapsedMs,
        keyId: key.keyId,
        operation: entry.operation,
        requestId,
      }),
    );
    if (!aborted) {
      deps.metrics.observe('GET', entry.route, 200, elapsedMs / 1000);
      deps.metrics.replayed();
      requestLog?.info({ res: { statusCode: 200 }, responseTime: elapsedMs }, 'request completed');
    }
    return true;
  };

  const replays = (request: IncomingMessage) =>
    kept.count > 0 &&
    !closing &&
    request.method === 'GET' &&
    typeof request.headers.authorization === 'string' &&
    request.headers['content-length'] === undefined &&
    request.headers['transfer-encoding'] === undefined &&
    // HTTP/1.1 requires Host; its absence is answered by Fastify's hooks (client-errors.ts).
    request.headers.host !== undefined &&
    deps.journal.limits.bodyBytes === 0 &&
    !deps.faultsPossible(request);

  return {
    install(app) {
      app.addHook('onSend', (request, reply, payload, done) => {
        record(request, reply, payload);
        done(null, payload);
      });
      app.addHook('preClose', (done) => {
        closing = true;
        done();
      });
      const server = app.server as Server;
      const handlers = server.listeners('request') as ((req: IncomingMessage, res: ServerResponse) => void)[];
      server.removeAllListeners('request');
      const toFastify = (request: IncomingMessage, response: ServerResponse) => {
        for (const handler of handlers) handler.call(server, request, response);
      };
      server.on('request', (request: IncomingMessage, response: ServerResponse) => {
        if (!replays(request)) return toFastify(request, response);
        replay(request, response, app.log).then(
          (answered) => {
            if (!answered) toFastify(request, response);
          },
          (error: unknown) => {
            // Whatever failed before answering (a refused token, a store that cannot answer) is Fastify's to
            // answer, in Apple's shape; after, there is nothing left to answer.
            if (!response.headersSent) toFastify(request, response);
            else app.log.error({ err: error }, 'after a replayed answer');
          },
        );
      });
    },
    size: () => ({ entries: kept.count, bytes: kept.bytes }),
  };
}

/** Whose answer, asked of which host (links are built on it when the server listens on every interface), for which target. */
function keyOf(keyId: string, request: IncomingMessage): string {
  return `${keyId}\u0000${request.headers.host ?? ''}\u0000${request.url ?? ''}`;
}

/** The request as request-log.ts's serializer reads a Fastify request. */
function asLoggedRequest(request: IncomingMessage) {
  return {
    method: request.method,
    url: request.url,
    host: request.headers.host,
    ip: request.socket.remoteAddress,
    socket: request.socket,
  };
}
