import { register } from 'prom-client';
import { describe, expect, it } from 'vitest';
import {
  appWith,
  freshIngestHarnessForEachTest,
  expectIngested,
  type IngestHarness,
  postEvents,
  usageEvent,
} from '../../test/support/ingest.js';
import {
  parsePrometheusText,
  type Sample,
  samplesOf,
  sampleValue,
} from '../../test/support/prometheus-text.js';
import { testBackend } from '../../test/support/test-database.js';
import { DEFAULT_INGESTION_LIMITS } from '../services/ingestion.js';
import type { PoolStats } from '../domain/records/pool-stats.js';
import { createAppMetrics } from './metrics.js';

/** GET /metrics: what a Prometheus scraper of one node sees. */

let harness: IngestHarness;
freshIngestHarnessForEachTest((fresh) => {
  harness = fresh;
});

const REQUESTS = 'beta_metrics_http_requests_total';
const DURATION = 'beta_metrics_http_request_duration_seconds';
const EVENTS = 'beta_metrics_ingested_events_total';
const REFUSED = 'beta_metrics_refused_batches_total';
const POOL = 'beta_metrics_db_pool_connections';
const USAGES_ROUTE = '/v1/apps/:id/metrics/betaTesterUsages';
const USAGES = '/v1/apps/100/metrics/betaTesterUsages';

/** Scrapes `app` as Prometheus does: no token. */
async function scrape(app = harness.app): Promise<{ body: string; samples: Sample[] }> {
  const response = await app.inject({ method: 'GET', url: '/metrics' });
  expect(response.statusCode, response.body).toBe(200);
  return { body: response.body, samples: parsePrometheusText(response.body) };
}

/** The request counter's series as `METHOD route status = count`, sorted. */
const requestSeries = (samples: readonly Sample[]) =>
  samplesOf(samples, REQUESTS)
    .map(({ labels, value }) => `${labels.method} ${labels.route} ${labels.status} = ${value}`)
    .sort();

describe('GET /metrics', () => {
  it("answers without a token, in Prometheus's text format, with the process's own metrics", async () => {
    await harness.app.inject({ method: 'GET', url: '/healthz' });

    const response = await harness.app.inject({ method: 'GET', url: '/metrics' });

    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
    const lines = response.body.split('\n');
    expect(lines).toContain(`# TYPE ${REQUESTS} counter`);
    expect(lines).toContain(`# TYPE ${DURATION} histogram`);
    expect(lines).toContain(`# TYPE ${EVENTS} counter`);
    expect(lines).toContain(`# TYPE ${REFUSED} counter`);
    expect(lines).toContain(`${REQUESTS}{method="GET",route="/healthz",status="200"} 1`);
    // Every line parses; prom-client's default metrics are there.
    const samples = parsePrometheusText(response.body);
    expect(sampleValue(samples, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
    expect(sampleValue(samples, 'nodejs_heap_size_total_bytes')).toBeGreaterThan(0);
  });

  it('does not count its own scrapes', async () => {
    await harness.app.inject({ method: 'GET', url: '/healthz' });
    await scrape();
    await harness.app.inject({ method: 'HEAD', url: '/metrics' });

    const { samples } = await scrape();

    expect(requestSeries(samples)).toEqual(['GET /healthz 200 = 1']);
  });

  it("spends no key's rate limit, even when the scraper sends a token", async () => {
    const authorization = `Bearer ${await harness.token()}`;
    for (let scrapes = 0; scrapes < 3; scrapes++) {
      const response = await harness.app.inject({
        method: 'GET',
        url: '/metrics',
        headers: { authorization },
      });
      expect(response.statusCode).toBe(200);
      expect(response.headers['x-rate-limit']).toBeUndefined();
    }

    const next = await harness.get('/v1/apps');

    expect(next.headers['x-rate-limit']).toBe('user-hour-lim:3600;user-hour-rem:3599;');
  });
});

describe('request metrics', () => {
  it('counts every answer by method, route pattern and status, and never names a raw path', async () => {
    expect((await harness.get(`${USAGES}?groupBy=betaTesters`)).statusCode).toBe(200);
    expect((await harness.get(`${USAGES}?groupBy=betaTesters&period=P2D`)).statusCode).toBe(400);
    expect((await harness.app.inject({ method: 'GET', url: USAGES })).statusCode).toBe(401);
    expect((await harness.get('/v1/secretPath/zq4242zq')).statusCode).toBe(404);
    expect((await harness.app.inject({ method: 'GET', url: '/v1/secretPath/zq4242zq' })).statusCode).toBe(
      401,
    );
    expect((await harness.app.inject({ method: 'DELETE', url: '/v1/apps/100' })).statusCode).toBe(401);

    const { body, samples } = await scrape();

    expect(requestSeries(samples)).toEqual([
      'DELETE /v1/apps/:id 401 = 1',
      `GET ${USAGES_ROUTE} 200 = 1`,
      `GET ${USAGES_ROUTE} 400 = 1`,
      `GET ${USAGES_ROUTE} 401 = 1`,
      'GET unmatched 401 = 1',
      'GET unmatched 404 = 1',
    ]);
    expect(body).not.toContain('/v1/apps/100');
    expect(body).not.toContain('secretPath');
    expect(body).not.toContain('zq4242zq');
  });

  it('counts a path Fastify cannot decode once, as unmatched', async () => {
    expect((await harness.app.inject({ method: 'GET', url: '/v1/%zz' })).statusCode).toBe(401);
    expect((await harness.get('/v1/%zz')).statusCode).toBe(404);

    const { body, samples } = await scrape();

    expect(requestSeries(samples)).toEqual(['GET unmatched 401 = 1', 'GET unmatched 404 = 1']);
    expect(
      sampleValue(samples, `${DURATION}_count`, { method: 'GET', route: 'unmatched', status: '404' }),
    ).toBe(1);
    expect(body).not.toContain('%zz');
  });

  it('times each answer in a histogram whose buckets run from 1 ms to 5 s', async () => {
    for (let requests = 0; requests < 3; requests++)
      await harness.app.inject({ method: 'GET', url: '/healthz' });

    const { samples } = await scrape();

    const labels = { method: 'GET', route: '/healthz', status: '200' };
    const buckets = samplesOf(samples, `${DURATION}_bucket`, labels);
    expect(buckets.map((bucket) => bucket.labels.le)).toEqual([
      ...['0.001', '0.0025', '0.005', '0.01', '0.025', '0.05', '0.1', '0.25', '0.5', '1', '2.5', '5'],
      '+Inf',
    ]);
    const counts = buckets.map((bucket) => bucket.value);
    expect(counts).toEqual([...counts].sort((a, b) => a - b));
    expect(counts.at(-1)).toBe(3);
    expect(sampleValue(samples, `${DURATION}_count`, labels)).toBe(3);
    expect(sampleValue(samples, `${DURATION}_sum`, labels)).toBeGreaterThanOrEqual(0);
  });
});

describe('ingestion metrics', () => {
  it('counts accepted, duplicate and rejected events and refused batches per app, as the stats do', async () => {
    expectIngested(await postEvents(harness, { events: [usageEvent('e1'), usageEvent('e2')] }), 2, 0);
    expectIngested(await postEvents(harness, { events: [usageEvent('e1'), usageEvent('e3')] }), 1, 1);
    const refused = [usageEvent('r1'), usageEvent('r2', { type: 'launch' }), usageEvent('r3')];
    expect((await postEvents(harness, { events: refused })).statusCode).toBe(400);
    expect((await postEvents(harness, '{"events": [')).statusCode).toBe(400);
    expect(
      (await postEvents(harness, { events: [usageEvent('k1')] }, { key: 'no-such-key' })).statusCode,
    ).toBe(401);
    const other = await harness.services.ingestKeys.create('200');
    const otherEvent = usageEvent('x1', { appId: '200', testerId: 'u1' });
    expectIngested(await postEvents(harness, { events: [otherEvent, otherEvent] }, { key: other.key }), 1, 1);

    const { samples } = await scrape();

    const series = samplesOf(samples, EVENTS).map(
      ({ labels, value }) => `${labels.app} ${labels.outcome} = ${value}`,
    );
    expect(series.sort()).toEqual([
      '100 accepted = 3',
      '100 duplicate = 1',
      // The three events of the refused batch; the unreadable body had none to count.
      '100 rejected = 3',
      '200 accepted = 1',
      '200 duplicate = 1',
    ]);
    expect(samplesOf(samples, REFUSED).map(({ labels, value }) => `${labels.app} = ${value}`)).toEqual([
      '100 = 2',
    ]);
    for (const app of await harness.services.ingestion.stats()) {
      const labels = (outcome: string) => ({ app: app.appId, outcome });
      expect(sampleValue(samples, EVENTS, labels('accepted'))).toBe(app.accepted);
      expect(sampleValue(samples, EVENTS, labels('duplicate'))).toBe(app.duplicates);
      expect(sampleValue(samples, EVENTS, labels('rejected')) ?? 0).toBe(app.rejected);
      expect(sampleValue(samples, REFUSED, { app: app.appId }) ?? 0).toBe(app.refusedBatches);
    }
  });
});

describe('one registry per app', () => {
  it('keeps the counts of two apps in one process apart, and out of the global registry', async () => {
    const second = await appWith(harness, DEFAULT_INGESTION_LIMITS);
    try {
      await harness.app.inject({ method: 'GET', url: '/healthz' });
      await harness.app.inject({ method: 'GET', url: '/healthz' });
      await second.inject({ method: 'GET', url: '/healthz' });
      expectIngested(await postEvents(harness, { events: [usageEvent('e1')] }, { app: second }), 1, 0);

      const first = (await scrape()).samples;
      const other = (await scrape(second)).samples;

      expect(requestSeries(first)).toEqual(['GET /healthz 200 = 2']);
      expect(requestSeries(other)).toEqual(['GET /healthz 200 = 1', 'POST /ingest/v1/events 200 = 1']);
      expect(samplesOf(first, EVENTS)).toEqual([]);
      expect(sampleValue(other, EVENTS, { app: '100', outcome: 'accepted' })).toBe(1);
      expect(register.getSingleMetric(REQUESTS)).toBeUndefined();
      expect(register.getSingleMetric(EVENTS)).toBeUndefined();
    } finally {
      await second.close();
    }
  });
});

describe('database pool gauges', () => {
  it.runIf(testBackend() === 'postgres')("show this process's PostgreSQL pool", async () => {
    expect((await harness.get('/v1/apps')).statusCode).toBe(200);

    const { samples } = await scrape();

    const total = sampleValue(samples, POOL, { state: 'total' });
    const idle = sampleValue(samples, POOL, { state: 'idle' });
    expect(total).toBeGreaterThanOrEqual(1);
    expect(idle).toBeLessThanOrEqual(total ?? 0);
    expect(sampleValue(samples, POOL, { state: 'waiting' })).toBe(0);
  });

  it.runIf(testBackend() === 'sqlite')(
    'are absent on the embedded SQLite store, which has no pool',
    async () => {
      const { body } = await scrape();

      expect(body).not.toContain(POOL);
      expect(body).toContain(REQUESTS);
    },
  );

  it('are read from the store at each scrape, not when the app starts', async () => {
    let stats: PoolStats = { total: 4, idle: 3, waiting: 0 };
    const metrics = createAppMetrics({ poolStats: () => stats, readCaches: () => undefined });

    const before = parsePrometheusText(await metrics.registry.metrics());
    stats = { total: 10, idle: 0, waiting: 7 };
    const after = parsePrometheusText(await metrics.registry.metrics());

    const pool = (samples: Sample[]) =>
      samplesOf(samples, POOL).map(({ labels, value }) => `${labels.state} ${value}`);
    expect(pool(before).sort()).toEqual(['idle 3', 'total 4', 'waiting 0']);
    expect(pool(after).sort()).toEqual(['idle 0', 'total 10', 'waiting 7']);
  });
});
