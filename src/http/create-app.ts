import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import type { RateLimiter } from '../services/rate-limiter.js';
import type { Services } from '../services/services.js';
import {
  answerUnroutableDashboardRequest,
  dashboardRoutes,
  isDashboardUrl,
} from '../dashboard/dashboard-routes.js';
import {
  type AccessControlDeps,
  answerUnroutable,
  registerAccessControl,
  sendWithoutHooks,
} from './access-control.js';
import { answerClientError, lacksHost, registerHostRequirement } from './client-errors.js';
import {
  type ConnectionLimits,
  connectionServerOptions,
  DEFAULT_CONNECTION_LIMITS,
  limitConnections,
} from './connection-limits.js';
import { requestForLog } from './request-log.js';
import { registerErrorHandling } from './error-handling.js';
import { missingHost } from '../errors/api-errors.js';
import type { PublicBaseUrl } from './links.js';
import type { PageCache } from './page-cache.js';
import { countUnroutable, createAppMetrics, metricsRoutes, registerRequestMetrics } from './metrics.js';
import { appRoutes } from './routes/apps.js';
import { betaTesterUsagesRoutes } from './routes/beta-tester-usages.js';
import { betaTesterRoutes } from './routes/beta-testers.js';
import { healthRoutes } from './routes/health.js';
import { ingestRoutes } from './routes/ingest.js';

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
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;
/**
 * Bytes of a request body any route reads unless it sets its own limit (ingestion takes
 * `--ingest-max-bytes`, the dashboard's forms 4 KiB): the API's reads take no body, so a client that sends one
 * anyway is refused before a megabyte of it is parsed.
 */
export const MAX_BODY_BYTES = 64 * 1024;

/**
 * The HTTP application, never listening: tests call `inject`, `main` calls `listen`. Every response carries
 * `X-Request-ID` (the caller's, when it sent a sane one, else a fresh UUID), the same id as the log lines.
 * The connection limits are set here, on the server Fastify creates, so whatever listens has them.
 */
export function createApp(deps: AppDeps): FastifyInstance {
  // Its own registry per app: tests and several apps in one process never share counters.
  const metrics = createAppMetrics(deps.services.health);
  const access: AccessControlDeps = {
    tokens: deps.services.tokens,
    ...(deps.rateLimiter !== undefined && { rateLimiter: deps.rateLimiter }),
  };
  const limits = deps.connectionLimits ?? DEFAULT_CONNECTION_LIMITS;
  const app: FastifyInstance = Fastify({
    ...connectionServerOptions(limits),
    clientErrorHandler: (error, socket) =>
      answerClientError(error, socket, {
        limits,
        log: () => app.log,
        counted: (code) => metrics.clientError(code),
      }),
    ...(deps.logger !== undefined
      ? { loggerInstance: deps.logger.child({}, { serializers: { req: requestForLog } }) }
      : { logger: false }),
    genReqId: (request: IncomingMessage) => {
      const sent = request.headers['x-request-id'];
      return typeof sent === 'string' && REQUEST_ID.test(sent) ? sent : randomUUID();
    },
    logController: new LogController({ requestIdLogLabel: 'requestId' }),
    return503OnClosing: true,
    bodyLimit: MAX_BODY_BYTES,
    // Ids far longer than Apple's still reach their handler and get NOT_FOUND, not PATH_ERROR.
    routerOptions: { maxParamLength: 1024 },
    // A path Fastify cannot decode (`/v1/%zz`) is a path that matches no resource.
    frameworkErrors: (_error, request, reply) => {
      countUnroutable(metrics, request, reply);
      if (lacksHost(request)) sendWithoutHooks(request, reply, missingHost());
      else if (isDashboardUrl(request.url)) answerUnroutableDashboardRequest(request, reply);
      else void answerUnroutable(request, reply, access);
    },
  });

  // Bodies are JSON or NDJSON only; without this, Fastify's own text/plain parser would let plain text
  // through to a 400 instead of the 415 docs/errors.md promises.
  app.removeContentTypeParser('text/plain');

  app.addHook('onSend', async (request, reply, payload) => {
    reply.header('x-request-id', request.id);
    // Apple sends `application/json` without a charset; Fastify would add one.
    if (String(reply.getHeader('content-type') ?? '').startsWith('application/json')) {
      reply.header('content-type', 'application/json');
    }
    return payload;
  });

  limitConnections(app.server, limits, app.log, () => metrics.connectionRefused());
  registerErrorHandling(app);
  registerRequestMetrics(app, metrics);
  // Before access control: a request without Host is malformed, whoever sends it.
  registerHostRequirement(app);
  registerAccessControl(app, access);
  healthRoutes(app, deps.services.health);
  metricsRoutes(app, metrics);
  const routeDeps = {
    services: deps.services,
    baseUrl: deps.baseUrl,
    ingestionMetrics: metrics.ingestion,
    ...(deps.pageCache !== undefined && { pageCache: deps.pageCache }),
  };
  betaTesterUsagesRoutes(app, routeDeps);
  appRoutes(app, routeDeps);
  betaTesterRoutes(app, routeDeps);
  ingestRoutes(app, routeDeps);
  dashboardRoutes(app, { services: deps.services, baseUrl: deps.baseUrl });
  return app;
}
