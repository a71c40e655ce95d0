import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { RateLimiter } from '../services/rate-limiter.js';
import type { RequestJournal } from '../services/request-journal.js';
import type { Services } from '../services/services.js';
import { answerReplay } from './answer-replay.js';
import { type AccessControlDeps, answerUnroutable, registerAccessControl } from './access-control.js';
import { registerHostRequirement } from './client-errors.js';
import { registerErrorHandling } from './error-handling.js';
import { journalRoutes } from './journal/journal-routes.js';
import type { FaultSettings } from './faults/fault-hooks.js';
import { registerFaults } from './faults/register-faults.js';
import type { PublicBaseUrl } from './links.js';
import { type AppMetrics, metricsRoutes, registerRequestMetrics } from './metrics.js';
import type { PageCache } from './page-cache.js';
import { resourceRoutes } from './resources/resource-routes.js';
import { writeRoutes } from './resources/write-routes.js';
import { betaTesterUsagesRoutes } from './routes/beta-tester-usages.js';
import { betaGroupMetricsRoutes } from './routes/beta-group-metrics.js';
import { betaTesterMetricsRoutes } from './routes/beta-tester-metrics.js';
import { buildMetricsRoutes } from './routes/build-metrics.js';
import { pageCache } from './page-cache.js';
import { healthRoutes } from './routes/health.js';
import { ingestRoutes } from './routes/ingest.js';
import { ingestScreenshotRoutes } from './routes/ingest-screenshots.js';
import { screenshotContentRoutes } from './routes/screenshot-content.js';
import { snapshotRoutes } from './routes/snapshots.js';

export interface ApiDeps {
  readonly services: Services;
  /** Absent when rate limiting is off. */
  readonly rateLimiter?: RateLimiter;
  readonly baseUrl: PublicBaseUrl;
  /** The server's metrics registry, which `/metrics` serves and every request is counted in. */
  readonly metrics: AppMetrics;
  /** Where the metrics path keeps serialized answers; a fresh one (32 MiB) when absent. */
  readonly pageCache?: PageCache;
  /** The node's request journal, which `/_beta-metrics/journal` reads (main/create-app.ts records into it). */
  readonly journal: RequestJournal;
  /** Faults on demand and their test controls (`serve --allow-faults`); absent: off. */
  readonly faults?: FaultSettings;
  /** Bytes of answers the answer replay keeps (answer-replay.ts); its default when absent. */
  readonly answerReplayBytes?: number;
}

/** The API door: Apple's paths, ingestion, `/healthz` and `/metrics`, every error in Apple's shape. */
export interface ApiDoor {
  register(app: FastifyInstance): void;
  /** The answer to a path Fastify cannot route at all (`/v1/%zz`): 401 before 404 PATH_ERROR, as routed ones. */
  answerUnroutable(request: FastifyRequest, reply: FastifyReply): void;
}

/**
 * The API as one plugin of the server (main/create-app.ts mounts it beside the dashboard). Its hooks are the
 * server's: every path that no sibling door claims (an unknown one included) is the API's, and is
 * authenticated before it is found missing (docs/apple-behavior.md, §4: 401 before 404 PATH_ERROR); a route of a
 * sibling door says `authentication: 'elsewhere'` and is passed by.
 */
export function apiDoor(deps: ApiDeps): ApiDoor {
  const access: AccessControlDeps = {
    tokens: deps.services.tokens,
    ...(deps.rateLimiter !== undefined && { rateLimiter: deps.rateLimiter }),
  };
  return {
    register(app) {
      // Bodies are JSON or NDJSON only; without this, Fastify's own text/plain parser would let plain text
      // through to a 400 instead of the 415 docs/errors.md promises.
      app.removeContentTypeParser('text/plain');
      app.addHook('onSend', async (_request, reply, payload) => {
        // Apple sends `application/json` without a charset; Fastify would add one.
        if (String(reply.getHeader('content-type') ?? '').startsWith('application/json')) {
          reply.header('content-type', 'application/json');
        }
        return payload;
      });
      registerErrorHandling(app);
      registerRequestMetrics(app, deps.metrics);
      // Before access control: a request without Host is malformed, whoever sends it.
      registerHostRequirement(app);
      registerAccessControl(app, access);
      // First of the routes: it learns every other route's operationId as they are added.
      journalRoutes(app, deps.journal);
      const faultsPossible = registerFaults(app, deps.faults, {
        maxConcurrentBatches: deps.services.ingestion.limits.maxConcurrentBatches,
      });
      // After every hook that sets a header of the answers it keeps (its onSend runs after theirs).
      const replay = answerReplay({
        tokens: deps.services.tokens,
        ...(deps.rateLimiter !== undefined && { rateLimiter: deps.rateLimiter }),
        journal: deps.journal,
        metrics: deps.metrics,
        faultsPossible,
        ...(deps.answerReplayBytes !== undefined && { maxBytes: deps.answerReplayBytes }),
        ...(deps.services.keptReads !== undefined && { kept: deps.services.keptReads }),
      });
      replay.install(app);
      deps.metrics.keptAnswers('replay', replay.size);
      healthRoutes(app, deps.services.health);
      metricsRoutes(app, deps.metrics);
      // One cache for the whole metrics family: its keys start with each request's path (metrics-answer.ts).
      const pages = deps.pageCache ?? pageCache();
      deps.metrics.keptAnswers('pages', pages.size);
      const routeDeps = {
        services: deps.services,
        baseUrl: deps.baseUrl,
        ingestionMetrics: deps.metrics.ingestion,
        pageCache: pages,
      };
      betaTesterUsagesRoutes(app, routeDeps);
      resourceRoutes(app, routeDeps);
      writeRoutes(app, routeDeps);
      betaGroupMetricsRoutes(app, routeDeps);
      betaTesterMetricsRoutes(app, routeDeps);
      buildMetricsRoutes(app, routeDeps);
      ingestRoutes(app, routeDeps);
      screenshotContentRoutes(app, deps.services.screenshotContent);
      ingestScreenshotRoutes(app, routeDeps);
      snapshotRoutes(app, { services: deps.services, allowFaults: deps.faults !== undefined });
    },
    answerUnroutable: (request, reply) => void answerUnroutable(request, reply, access),
  };
}
