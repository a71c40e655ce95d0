import { performance } from 'node:perf_hooks';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyBaseLogger } from 'fastify';
import type { RateLimitState } from '../services/rate-limiter.js';
import type { RequestJournal } from '../services/request-journal.js';
import type { KeptReads } from '../services/services.js';
import { rateLimitHeader } from './access-control.js';
import { journalRecordOf } from './journal/journal-hooks.js';
import type { AppMetrics, ReplayChecks } from './metrics.js';
import type { Stamped } from './recently-used.js';
import { requestIdOf } from './request-id.js';

/** How a route reads its freshness again (answer-replay.ts). */
export interface Recheck {
  /** The route's freshness now, from the store; undefined once what it answers is gone. */
  readonly recheck: () => Promise<string | undefined>;
  /**
   * The same from what the store keeps alone (storage/kept-reads.ts), once it has caught up; undefined unless
   * all of it is kept, and `recheck` then decides.
   */
  readonly keptFreshness: (kept: KeptReads) => string | undefined;
}

/** An answer kept as sent. `scope` and `freshness`: the Replayable's, which `recheck` reads again. */
export interface KeptAnswer extends Stamped {
  /** The key it is kept under (answer-replay.ts's `keyOf`), this very text. */
  readonly key: string;
  readonly body: Buffer;
  /**
   * The answer's headers as `writeHead` takes them (name, value, name, value...) in the order sent, its
   * `content-length` last. The values at `rateLimitAt` and `requestIdAt` (-1: not sent) are made per request.
   */
  readonly headers: readonly string[];
  readonly rateLimitAt: number;
  readonly requestIdAt: number;
  readonly route: string | undefined;
  /**
   * The request target it answers (its key's): the journal keeps this text, which the answer outlives, rather
   * than each request's own copy of it (services/journal-ring.ts).
   */
  readonly target: string;
  readonly operation: string | undefined;
  readonly recheck: Recheck['recheck'];
  readonly keptFreshness: Recheck['keptFreshness'];
}

/** The levels at which Fastify logs every request (`incoming request`, `request completed`: both at info). */
const LOGS_REQUESTS = new Set(['trace', 'debug', 'info']);

/** What is known of a kept answer once every check passed. */
export interface CheckedAnswer {
  readonly entry: KeptAnswer;
  readonly keyId: string;
  /** The key's budget after this request; undefined when rate limiting is off. */
  readonly budget: RateLimitState | undefined;
  /** `performance.now()` when the request arrived. */
  readonly started: number;
  readonly from: ReplayChecks;
}

/**
 * Sends a kept answer that passed every check, and does what Fastify's hooks do for every answer: a request id
 * (request-id.ts), `X-Rate-Limit`, the journal's entry, the request metrics and, at the info level, the two log
 * lines of a request.
 */
export function keptAnswerSender(deps: { readonly journal: RequestJournal; readonly metrics: AppMetrics }) {
  // Whether the log's level logs requests, decided again only when the level changes: a Set's lookup of the
  // same text at every answer cost about 80 instructions of one (BENCHMARKS.md, "The replay's own work, cut
  // again").
  let level: string | undefined;
  let logsRequests = false;
  return (
    request: IncomingMessage,
    response: ServerResponse,
    log: FastifyBaseLogger,
    checked: CheckedAnswer,
  ) => {
    const { entry, budget } = checked;
    const requestId = requestIdOf(request);
    const headers = entry.headers.slice();
    if (entry.rateLimitAt >= 0 && budget !== undefined) headers[entry.rateLimitAt] = rateLimitHeader(budget);
    if (entry.requestIdAt >= 0) headers[entry.requestIdAt] = requestId;
    if (log.level !== level) {
      level = log.level;
      logsRequests = LOGS_REQUESTS.has(level);
    }
    const requestLog = logsRequests ? log.child({ requestId }) : undefined;
    requestLog?.info({ req: asLoggedRequest(request) }, 'incoming request');
    const aborted = request.socket.destroyed;
    if (!aborted) {
      response.writeHead(200, headers);
      response.end(entry.body);
    }
    const elapsedMs = performance.now() - checked.started;
    deps.journal.record(
      journalRecordOf({
        method: 'GET',
        url: entry.target,
        status: aborted ? 499 : 200,
        elapsedMs,
        keyId: checked.keyId,
        operation: entry.operation,
        requestId,
      }),
    );
    if (!aborted) {
      deps.metrics.observe('GET', entry.route, 200, elapsedMs / 1000);
      deps.metrics.replayed(checked.from);
      requestLog?.info({ res: { statusCode: 200 }, responseTime: elapsedMs }, 'request completed');
    }
  };
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
