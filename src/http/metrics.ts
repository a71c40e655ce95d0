import { performance } from 'node:perf_hooks';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Counter, collectDefaultMetrics, Gauge, type Metric, Registry } from 'prom-client';
import { RequestTally } from './request-tally.js';
import type { HealthService } from '../services/health.js';

/** What ingestion reports as it answers, per app (an ingest key's app: as many label values as apps). */
export interface IngestionMetrics {
  /** A batch of `appId` was stored: `accepted` new events, `duplicates` already stored (or repeated in it). */
  ingested(appId: string, accepted: number, duplicates: number): void;
  /** A batch of `appId` was refused whole: its `events` (0 when unreadable), none of them stored. */
  refused(appId: string, events: number): void;
}

/** Where a replayed answer's checks read (answer-replay.ts). */
export type ReplayChecks = 'memory' | 'store';

/** The Prometheus metrics of one application: its own registry, so several apps in a process never collide. */
export interface AppMetrics {
  readonly registry: Registry;
  readonly ingestion: IngestionMetrics;
  /** Counts one answered request under its route pattern; `seconds` defaults to Fastify's own timing. */
  observeRequest(request: FastifyRequest, reply: FastifyReply, seconds?: number): void;
  /** The same from its parts: `route` is the matched route's pattern (http/answer-replay.ts answers outside Fastify). */
  observe(method: string, route: string | undefined, status: number, seconds: number): void;
  /**
   * Counts an answer the answer replay sent (it is counted as an answered request too), by where its checks
   * read: what the store keeps in memory, or the store.
   */
  replayed(checked: ReplayChecks): void;
  /** Counts an error of a connection before any request (client-errors.ts), by its bounded code. */
  clientError(code: string): void;
  /** Counts a connection closed on accept: the process held `--max-connections` sockets. */
  connectionRefused(): void;
  /** Shows what `cache` keeps (page-cache.ts's pages, answer-replay.ts's answers), read at scrape time. */
  keptAnswers(cache: KeptAnswersCache, size: () => { entries: number; bytes: number }): void;
}

/** The caches of answers a process keeps in memory, as the `cache` label of their gauges. */
export type KeptAnswersCache = 'pages' | 'replay';

/** The path Prometheus scrapes. It is not counted in the request metrics: scrapes would drown the traffic. */
export const METRICS_PATH = '/metrics';

/** The route label of a request that matched no route (unknown path or method): never the raw URL. */
export const UNMATCHED_ROUTE = 'unmatched';

/** Seconds: this API answers in milliseconds; the top buckets catch a database in trouble. */
const DURATION_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

/** Any other method (possible through inject, or a client's own verb) is `OTHER`: labels stay bounded. */
const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

export function createAppMetrics(health: Pick<HealthService, 'poolStats' | 'readCaches'>): AppMetrics {
  const registry = new Registry();
  const registers = [registry];
  const labelNames = ['method', 'route', 'status'] as const;
  // Every answer is tallied without prom-client's work per call, and read when scraped (request-tally.ts).
  const tally = new RequestTally(DURATION_BUCKETS);
  new Counter({
    name: 'beta_metrics_http_requests_total',
    help: 'HTTP requests answered, by method, route pattern and status.',
    labelNames,
    registers,
    collect() {
      tally.countInto(this);
    },
  });
  tally.registerHistogram(
    registry,
    'beta_metrics_http_request_duration_seconds',
    'Time from receiving a request to sending its answer, in seconds, by method, route pattern and status.',
  );
  const events = new Counter({
    name: 'beta_metrics_ingested_events_total',
    help: 'Events sent to POST /ingest/v1/events, by app and outcome: accepted, duplicate, or rejected (the events of refused batches).',
    labelNames: ['app', 'outcome'] as const,
    registers,
  });
  const refusedBatches = new Counter({
    name: 'beta_metrics_refused_batches_total',
    help: 'Batches refused whole by POST /ingest/v1/events (400, 413, 415 with a valid ingest key), by app.',
    labelNames: ['app'] as const,
    registers,
  });
  const clientErrors = new Counter({
    name: 'beta_metrics_http_client_errors_total',
    help: "Connections that failed before a request: Node's HTTP parser code (HPE_*), ERR_HTTP_REQUEST_TIMEOUT, or the socket's error (ECONNRESET).",
    labelNames: ['code'] as const,
    registers,
  });
  const replayedBy: Record<ReplayChecks, number> = { memory: 0, store: 0 };
  new Counter({
    name: 'beta_metrics_http_replayed_answers_total',
    help: 'Answers to a repeated read sent again as kept, after the same checks, without the framework (docs/architecture.md, "Answer replay"), by where the checks read: memory (what the store keeps) or store (its reads). Each is in beta_metrics_http_requests_total too.',
    labelNames: ['checked'] as const,
    registers,
    collect() {
      // Counted as plain numbers: a labelled inc hashes its labels on every replayed answer (request-tally.ts).
      this.reset();
      for (const [checked, count] of Object.entries(replayedBy)) this.inc({ checked }, count);
    },
  });
  const refusedConnections = new Counter({
    name: 'beta_metrics_http_refused_connections_total',
    help: 'Connections closed as soon as they were accepted: the process held --max-connections sockets.',
    registers,
  });
  // Only a backend with a pool has pool gauges: SQLite shows none rather than zeros that mean nothing.
  if (health.poolStats() !== undefined) {
    new Gauge({
      name: 'beta_metrics_db_pool_connections',
      help: "This process's PostgreSQL pool, read at scrape time: total and idle connections, and queries waiting for one.",
      labelNames: ['state'] as const,
      registers,
      collect() {
        const stats = health.poolStats();
        if (stats === undefined) return;
        this.set({ state: 'total' }, stats.total);
        this.set({ state: 'idle' }, stats.idle);
        this.set({ state: 'waiting' }, stats.waiting);
      },
    });
  }
  const keptAnswers = new Map<KeptAnswersCache, () => { entries: number; bytes: number }>();
  for (const [name, help, figure] of [
    [
      'beta_metrics_kept_answers',
      'Answers kept in memory, by cache: pages (the metrics family\'s serialized pages) and replay (answers sent again without the framework); each goes once the data it was read from changes (docs/architecture.md, "Answer replay").',
      'entries',
    ],
    [
      'beta_metrics_kept_answer_bytes',
      "Bytes of the answers kept in memory, keys included, by cache (as beta_metrics_kept_answers); the replay shares the page cache's bytes for the metrics family.",
      'bytes',
    ],
  ] as const) {
    new Gauge({
      name,
      help,
      labelNames: ['cache'] as const,
      registers,
      collect() {
        for (const [cache, size] of keptAnswers) this.set({ cache }, size()[figure]);
      },
    });
  }
  if (health.readCaches() !== undefined) registerReadCacheMetrics(health, registers);
  for (const metric of processMetrics()) registry.registerMetric(metric);

  const observe = (method: string, route: string | undefined, status: number, seconds: number) => {
    if (route === METRICS_PATH) return;
    // GET, the method of nearly every answer, is known without the set's lookup.
    const known = method === 'GET' || METHODS.has(method);
    tally.observe(known ? method : 'OTHER', route ?? UNMATCHED_ROUTE, status, seconds);
  };

  return {
    registry,
    ingestion: {
      ingested(appId, accepted, duplicates) {
        events.inc({ app: appId, outcome: 'accepted' }, accepted);
        events.inc({ app: appId, outcome: 'duplicate' }, duplicates);
      },
      refused(appId, count) {
        events.inc({ app: appId, outcome: 'rejected' }, count);
        refusedBatches.inc({ app: appId });
      },
    },
    clientError(code) {
      clientErrors.inc({ code });
    },
    connectionRefused() {
      refusedConnections.inc();
    },
    replayed(checked) {
      replayedBy[checked]++;
    },
    keptAnswers(cache, size) {
      keptAnswers.set(cache, size);
    },
    observeRequest(request, reply, seconds = reply.elapsedTime / 1000) {
      observe(request.method, request.routeOptions.url, reply.statusCode, seconds);
    },
    observe,
  };
}

/**
 * Counts every answer, errors, 401s and 404s included: onResponse runs after whatever answered. A path
 * Fastify cannot decode (`/v1/%zz`) is answered before any hook (see access-control.ts), so `countUnroutable`
 * counts those.
 */
export function registerRequestMetrics(app: FastifyInstance, metrics: AppMetrics): void {
  app.addHook('onResponse', async (request, reply) => {
    metrics.observeRequest(request, reply);
  });
}

/**
 * Counts the answer to a request Fastify could not route once it is sent: no hook runs for those, and
 * Fastify does not time them, so this does from the moment it is called.
 */
export function countUnroutable(metrics: AppMetrics, request: FastifyRequest, reply: FastifyReply): void {
  const started = performance.now();
  reply.raw.once('finish', () =>
    metrics.observeRequest(request, reply, (performance.now() - started) / 1000),
  );
}

/** GET /metrics — Prometheus's text format; no token (scrapers carry none): expose it on an internal network only. */
export function metricsRoutes(app: FastifyInstance, metrics: AppMetrics): void {
  app.get(METRICS_PATH, { config: { authentication: 'none', journaled: false } }, async (_request, reply) => {
    reply.type(metrics.registry.contentType);
    return metrics.registry.metrics();
  });
}

/** The store's read caches (storage/read-caches.ts), read at scrape time. */
function registerReadCacheMetrics(health: Pick<HealthService, 'readCaches'>, registers: Registry[]): void {
  new Gauge({
    name: 'beta_metrics_read_cache_watching',
    help: "1 while this process's store tells it of every change other processes commit (SQLite's data_version, PostgreSQL's LISTEN session), so the caches of API keys and data versions answer; 0 while every such read goes to the store.",
    registers,
    collect() {
      this.set(health.readCaches()?.watching === true ? 1 : 0);
    },
  });
  new Counter({
    name: 'beta_metrics_read_cache_round_trips_total',
    help: "Queries this process sent to the database to catch up with other processes' commits before its caches answer a data version (PostgreSQL: a fence on the LISTEN session, at most one a lease of 10 ms under steady load; 0 on SQLite).",
    registers,
    collect() {
      const stats = health.readCaches();
      if (stats === undefined) return;
      this.reset();
      this.inc(stats.roundTrips);
    },
  });
  new Counter({
    name: 'beta_metrics_read_cache_reads_total',
    help: "Reads of API keys, apps' data versions, beta groups' and builds' apps and versions, and whether beta testers exist, by cache and outcome: hit (answered from memory) or miss (read from the store).",
    labelNames: ['cache', 'outcome'] as const,
    registers,
    collect() {
      const stats = health.readCaches();
      if (stats === undefined) return;
      this.reset();
      for (const [cache, counts] of [
        ['api_keys', stats.apiKeys],
        ['app_data_versions', stats.appDataVersions],
        ['group_versions', stats.groupVersions],
        ['build_versions', stats.buildVersions],
        ['testers', stats.testers],
      ] as const) {
        this.inc({ cache, outcome: 'hit' }, counts.hits);
        this.inc({ cache, outcome: 'miss' }, counts.misses);
      }
    },
  });
}

let shared: readonly Metric[] | undefined;

/**
 * prom-client's default process metrics (CPU, memory, event loop, GC), made once per process and shown by
 * every app's registry: each collectDefaultMetrics call starts its own event-loop monitor and GC observer,
 * which are never stopped, so one per createApp would pile up in a process that makes many apps (tests).
 */
function processMetrics(): readonly Metric[] {
  if (shared === undefined) {
    const registry = new Registry();
    collectDefaultMetrics({ register: registry });
    shared = registry
      .getMetricsAsArray()
      .map(({ name }) => registry.getSingleMetric(name))
      .filter((metric): metric is Metric => metric !== undefined);
  }
  return shared;
}
