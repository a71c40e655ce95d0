import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import { dashboardDoor } from '../dashboard/dashboard-plugin.js';
import { missingHost } from '../errors/api-errors.js';
import { sendWithoutHooks } from '../http/access-control.js';
import { apiDoor } from '../http/api-plugin.js';
import type { FaultSettings } from '../http/faults/fault-hooks.js';
import { answerClientError, lacksHost } from '../http/client-errors.js';
import {
  type ConnectionLimits,
  closeIdleSockets,
  connectionServerOptions,
  DEFAULT_CONNECTION_LIMITS,
  limitConnections,
} from '../http/connection-limits.js';
import type { PublicBaseUrl } from '../http/links.js';
import { countUnroutable, createAppMetrics } from '../http/metrics.js';
import type { PageCache } from '../http/page-cache.js';
import { journalUnroutable, registerRequestJournal } from '../http/journal/journal-hooks.js';
import { LAZY_SCHEMA_COMPILERS } from '../http/lazy-schema-compilers.js';
import { requestForLog } from '../http/request-log.js';
import { requestIdOf } from '../http/request-id.js';
import type { RateLimiter } from '../services/rate-limiter.js';
import { type RequestJournal, requestJournal } from '../services/request-journal.js';
import type { Services } from '../services/services.js';
import type { CertificatePair } from './tls/certificate-pair.js';
import { httpsServerOptions } from './tls/https-server-options.js';

export interface AppDeps {
  readonly services: Services;
  /** Absent when rate limiting is off. */
  readonly rateLimiter?: RateLimiter;
  readonly baseUrl: PublicBaseUrl;
  /** Omit for no logging (tests). */
  readonly logger?: FastifyBaseLogger;
  /** Where the metrics path keeps serialized answers; a fresh one (32 MiB) when absent. */
  readonly pageCache?: PageCache;
  /** Timeouts and the socket cap of the server (`serve`'s options); the defaults otherwise. */
  readonly connectionLimits?: ConnectionLimits;
  /** Where answered requests are recorded (`serve --journal-size`); a fresh one (1,000 entries) when absent. */
  readonly journal?: RequestJournal;
  /** Serve HTTPS with this certificate (chain) and key, both PEM; HTTP when absent. */
  readonly tls?: CertificatePair;
  /** Faults on demand (`serve --allow-faults`); absent: off. */
  readonly faults?: FaultSettings;
  /** Bytes of answers the answer replay keeps (http/answer-replay.ts); its default when absent. */
  readonly answerReplayBytes?: number;
}

/**
 * Bytes of a request body any route reads unless it sets its own limit (ingestion takes
 * `--ingest-max-bytes`, the dashboard's forms 4 KiB): the API's reads take no body, so a client that sends one
 * anyway is refused before a megabyte of it is parsed.
 */
export const MAX_BODY_BYTES = 64 * 1024;

/** Methods that write nothing (Fastify answers HEAD from GET's route, and OPTIONS with the allowed methods). */
const READS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * The server, never listening: tests call `inject`, `serve` calls `listen`. It mounts two sibling doors, the
 * API (src/http) and the dashboard (src/dashboard), which import nothing of each other; what both need (the
 * request id, connection bounds, errors of the connection itself) is set here. Every response carries
 * `X-Request-ID` (the caller's, when it sent a sane one, else a fresh UUID), the same id as the log lines. The
 * connection limits are set on the server Fastify creates, so whatever listens has them.
 */
export function createApp(deps: AppDeps): FastifyInstance {
  // Its own registry per app: tests and several apps in one process never share counters.
  const metrics = createAppMetrics(deps.services.health);
  const journal = deps.journal ?? requestJournal();
  const api = apiDoor({
    services: deps.services,
    baseUrl: deps.baseUrl,
    metrics,
    journal,
    ...(deps.rateLimiter !== undefined && { rateLimiter: deps.rateLimiter }),
    ...(deps.pageCache !== undefined && { pageCache: deps.pageCache }),
    ...(deps.faults !== undefined && { faults: deps.faults }),
    ...(deps.answerReplayBytes !== undefined && { answerReplayBytes: deps.answerReplayBytes }),
  });
  const dashboard = dashboardDoor({ services: deps.services, baseUrl: deps.baseUrl });
  const limits = deps.connectionLimits ?? DEFAULT_CONNECTION_LIMITS;
  const app: FastifyInstance = Fastify({
    ...connectionServerOptions(limits),
    ...(deps.tls !== undefined && { https: httpsServerOptions(limits, deps.tls) }),
    clientErrorHandler: (error, socket) =>
      answerClientError(error, socket, {
        limits,
        log: () => app.log,
        counted: (code) => metrics.clientError(code),
      }),
    ...(deps.logger !== undefined
      ? { loggerInstance: deps.logger.child({}, { serializers: { req: requestForLog } }) }
      : { logger: false }),
    genReqId: requestIdOf,
    logController: new LogController({ requestIdLogLabel: 'requestId' }),
    return503OnClosing: true,
    schemaController: { compilersFactory: LAZY_SCHEMA_COMPILERS },
    bodyLimit: MAX_BODY_BYTES,
    // Ids far longer than Apple's still reach their handler and get NOT_FOUND, not PATH_ERROR.
    routerOptions: { maxParamLength: 1024 },
    // A path Fastify cannot decode (`/v1/%zz`) is a path that matches no resource, answered by its door.
    frameworkErrors: (_error, request, reply) => {
      countUnroutable(metrics, request, reply);
      journalUnroutable(journal, request, reply);
      if (lacksHost(request)) sendWithoutHooks(request, reply, missingHost());
      else if (dashboard.owns(request.url)) dashboard.answerUnroutable(request, reply);
      else api.answerUnroutable(request, reply);
    },
  });

  app.addHook('onSend', async (request, reply, payload) => {
    reply.header('x-request-id', request.id);
    // A request that may have written is answered once every node answers with what it wrote: on PostgreSQL,
    // a lease's length after the commit (storage/read-caches.ts, `writesSeenEverywhere`).
    if (!READS.has(request.method)) await deps.services.writesSeenEverywhere();
    return payload;
  });
  limitConnections(app.server, limits, app.log, () => metrics.connectionRefused());
  closeIdleSockets(app.server, limits.idleTimeoutMs);
  // On the root instance, before the doors: it sees the API's and the dashboard's requests alike.
  registerRequestJournal(app, journal);
  api.register(app);
  dashboard.register(app);
  return app;
}
