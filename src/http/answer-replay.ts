import { performance } from 'node:perf_hooks';
import type { IncomingHttpHeaders, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { FastifyBaseLogger, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { RateLimiter } from '../services/rate-limiter.js';
import type { RequestJournal } from '../services/request-journal.js';
import type { TokenVerifier } from '../services/token-verifier.js';
import type { KeptReads } from '../services/services.js';
import { StoreUnavailableError } from '../domain/store-problems.js';
import { budgetsTaken, storeFailuresMet } from './access-control.js';
import { type KeptAnswer, keptAnswerSender, type Recheck } from './kept-answer.js';
import type { AppMetrics } from './metrics.js';
import { operationIdOf } from './operation-id.js';
import { pathOf, queryPairsOf } from './query-string.js';
import { FreshAnswers } from './recently-used.js';
import { LastReplayKey, replayKeyOf } from './replay-key.js';

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
 * Each check is first made from what the store keeps in memory, without a promise (storage/kept-reads.ts:
 * `verifyKept`, `keptFreshness` once the store has caught up for the loop turn's requests, `consumeAtOnce`);
 * what memory cannot decide is checked as above, before any budget is spent. Their promises were most of a
 * replayed answer's own work (docs/architecture.md, "Answer replay").
 * What Fastify's hooks do for every answer is done the same way (kept-answer.ts). Anything else goes to
 * Fastify untouched: other methods, a body, no Host, a fault asked for or a fault rule set, the journal keeping
 * bodies, a closing server, and any failure of a check, which Fastify then makes again and answers as it always
 * does; but not a store that could not serve one: Fastify answers 503 at once (access-control.ts's
 * `storeFailuresMet`).
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
  /** What the store keeps, read without waiting (storage/kept-reads.ts); absent, every check waits on the store. */
  readonly kept?: KeptReads;
}

/** How a route's answer is checked before it is sent again: the freshness it was made at, and how to read it now. */
export interface Replayable extends Recheck {
  /** What the freshness is of (the request's path); answers of one scope go together once it moves on. */
  readonly scope: string;
  readonly freshness: string;
}

export const DEFAULT_REPLAY_BYTES = 16 * 1024 * 1024;

const replayables = new WeakMap<FastifyRequest, Replayable>();

/** Says that this request's 200 answer may be kept and replayed while `replayable.recheck` gives the same freshness. */
export function markReplayable(reply: FastifyReply, replayable: Replayable): void {
  replayables.set(reply.request, replayable);
}

/** A request answered from what is kept once the store has caught up: its key verified, its answer found. */
interface Waiting {
  readonly request: IncomingMessage;
  readonly response: ServerResponse;
  readonly keyId: string;
  readonly cacheKey: string;
  readonly entry: KeptAnswer;
  readonly started: number;
}

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
  const answers = new FreshAnswers<KeptAnswer>(maxBytes);
  let closing = false;

  const record = (request: FastifyRequest, reply: FastifyReply, payload: unknown) => {
    const replayable = replayables.get(request);
    if (replayable === undefined || request.method !== 'GET' || reply.statusCode !== 200) return;
    if (request.apiKey === undefined || request.fault !== undefined) return;
    // Documents built as objects arrive serialized as text; the metrics family's as the bytes it keeps.
    const body = typeof payload === 'string' ? Buffer.from(payload) : payload;
    if (!Buffer.isBuffer(body)) return;
    const headers: string[] = [];
    for (const [name, value] of Object.entries(reply.getHeaders())) {
      if (PER_REQUEST_HEADERS.has(name) || value === undefined || Array.isArray(value)) return;
      headers.push(name, String(value));
    }
    /** Where the value of header `name` is, or -1. */
    const valueAt = (name: string) => {
      for (let at = 0; at < headers.length; at += 2) if (headers[at] === name) return at + 1;
      return -1;
    };
    const rateLimitAt = valueAt('x-rate-limit');
    const requestIdAt = valueAt('x-request-id');
    headers.push('content-length', String(body.length));
    const key = replayKeyOf(request.apiKey.keyId, request.raw);
    answers.keep(key, {
      key,
      body,
      headers,
      rateLimitAt,
      requestIdAt,
      route: request.routeOptions.url,
      target: request.raw.url ?? '/',
      operation: operationIdOf(request),
      scope: replayable.scope,
      freshness: replayable.freshness,
      recheck: replayable.recheck,
      keptFreshness: replayable.keptFreshness,
      bytes: key.length + body.length + 32 * headers.length,
    });
  };

  const send = keptAnswerSender(deps);

  /** Answers from a kept answer after every check, each read from the store; false when it must go to Fastify. */
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
    const cacheKey = replayKeyOf(key.keyId, request);
    const entry = answers.peek(cacheKey);
    if (entry === undefined) return false;
    const freshness = await entry.recheck();
    if (freshness !== entry.freshness) {
      // Every answer of the scope made at the old freshness is stale too (unless kept again meanwhile).
      answers.retire(entry.scope, freshness);
      return false;
    }
    const budget = await deps.rateLimiter?.consume(key.keyId);
    if (budget !== undefined && !budget.allowed) {
      budgetsTaken.set(request, budget);
      return false;
    }
    answers.use(cacheKey);
    send(request, response, log, { entry, keyId: key.keyId, budget, started, from: 'store' });
    return true;
  };

  /** `headers`: the request's, read once (each read of `request.headers` is a getter's call). */
  const replays = (request: IncomingMessage, headers: IncomingHttpHeaders) =>
    answers.count > 0 &&
    !closing &&
    request.method === 'GET' &&
    typeof headers.authorization === 'string' &&
    headers['content-length'] === undefined &&
    headers['transfer-encoding'] === undefined &&
    // HTTP/1.1 requires Host; its absence is answered by Fastify's hooks (client-errors.ts).
    headers.host !== undefined &&
    deps.journal.limits.bodyBytes === 0 &&
    !deps.faultsPossible(request);

  const lastKey = new LastReplayKey();

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
      /**
       * Whatever failed before answering is Fastify's to answer, in Apple's shape; after, nothing is left. A
       * store that could not serve a check is not asked again: Fastify answers 503 at once.
       */
      const failed = (request: IncomingMessage, response: ServerResponse, error: unknown) => {
        if (error instanceof StoreUnavailableError) storeFailuresMet.set(request, error);
        if (!response.headersSent) toFastify(request, response);
        else app.log.error({ err: error }, 'after a replayed answer');
      };
      const replayOrFastify = (request: IncomingMessage, response: ServerResponse) => {
        replay(request, response, app.log).then(
          (answered) => {
            if (!answered) toFastify(request, response);
          },
          (error: unknown) => failed(request, response, error),
        );
      };
      // The requests of this loop turn, checked from what the store keeps once it has caught up: one wait for
      // the turn. A request of a later turn waits for a wait of its own, even while this one is pending: the
      // store only promises the commits made before it was asked (storage/change-feed.ts), and on PostgreSQL
      // the fence stays in flight over several turns.
      let turn: Waiting[] | undefined;
      const turnEnded = () => {
        turn = undefined;
      };
      const answerWaiting = (kept: KeptReads, waiting: readonly Waiting[], caughtUp: boolean) => {
        for (const one of waiting) {
          try {
            if (!caughtUp || !answerFromKept(kept, one)) replayOrFastify(one.request, one.response);
          } catch (error) {
            failed(one.request, one.response, error);
          }
        }
      };
      /** Answers `one` if what is kept decides every check; false when the store's reads must. */
      const answerFromKept = (kept: KeptReads, one: Waiting): boolean => {
        const { entry, request, response } = one;
        const freshness = entry.keptFreshness(kept);
        if (freshness === undefined) return false;
        if (freshness !== entry.freshness) {
          answers.retire(entry.scope, freshness);
          toFastify(request, response);
          return true;
        }
        const budget = deps.rateLimiter?.consumeAtOnce(one.keyId);
        if (deps.rateLimiter !== undefined && budget === undefined) return false;
        if (budget !== undefined && !budget.allowed) {
          budgetsTaken.set(request, budget);
          toFastify(request, response);
          return true;
        }
        answers.use(one.cacheKey);
        send(request, response, app.log, {
          entry,
          keyId: one.keyId,
          budget,
          started: one.started,
          from: 'memory',
        });
        return true;
      };
      server.on('request', (request: IncomingMessage, response: ServerResponse) => {
        const headers = request.headers;
        if (!replays(request, headers)) return toFastify(request, response);
        const kept = deps.kept;
        const started = performance.now();
        const key = kept && deps.tokens.verifyKept(headers.authorization, kept);
        if (kept === undefined || key === undefined) return replayOrFastify(request, response);
        const entry = answers.peek(lastKey.of(key.keyId, request, headers));
        if (entry === undefined) return toFastify(request, response);
        const cacheKey = lastKey.adopt(entry.key);
        if (turn === undefined) {
          const waiting: Waiting[] = [];
          turn = waiting;
          setImmediate(turnEnded);
          kept.caughtUp().then(
            (caughtUp) => answerWaiting(kept, waiting, caughtUp),
            () => answerWaiting(kept, waiting, false),
          );
        }
        turn.push({ request, response, keyId: key.keyId, cacheKey, entry, started });
      });
    },
    size: () => ({ entries: answers.count, bytes: answers.bytes }),
  };
}
