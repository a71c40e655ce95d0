import fc from 'fast-check';
import { Counter, Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { RequestTally } from './request-tally.js';

const BOUNDS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];
const NAMES = {
  requests: 'test_requests_total',
  durations: 'test_request_duration_seconds',
} as const;

/** The two metrics as prom-client's own classes count them, call by call. */
function promClientOwn() {
  const registry = new Registry();
  const labelNames = ['method', 'route', 'status'] as const;
  const requests = new Counter({ name: NAMES.requests, help: 'requests', labelNames, registers: [registry] });
  const durations = new Histogram({
    name: NAMES.durations,
    help: 'durations',
    labelNames,
    buckets: BOUNDS,
    registers: [registry],
  });
  return {
    registry,
    observe(method: string, route: string, status: number, seconds: number) {
      const labels = { method, route, status: String(status) };
      requests.inc(labels);
      durations.observe(labels, seconds);
    },
  };
}

/** The same two metrics from a tally, read at scrape time as metrics.ts registers them. */
function tallied() {
  const registry = new Registry();
  const tally = new RequestTally(BOUNDS);
  new Counter({
    name: NAMES.requests,
    help: 'requests',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [registry],
    collect() {
      tally.countInto(this);
    },
  });
  tally.registerHistogram(registry, NAMES.durations, 'durations');
  return { registry, observe: tally.observe.bind(tally) };
}

const observation = fc.record({
  method: fc.constantFrom('GET', 'POST', 'OTHER'),
  route: fc.constantFrom('/v1/apps/:id', '/v1/apps/:id/metrics/betaTesterUsages', 'unmatched'),
  status: fc.constantFrom(200, 404, 429, 503),
  // Every bound exactly, values between and beyond them, and zero.
  seconds: fc.oneof(fc.constantFrom(0, ...BOUNDS), fc.double({ min: 0, max: 30, noNaN: true })),
});

describe('RequestTally', () => {
  it("renders what prom-client's own counter and histogram render for the same answers", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(observation, { maxLength: 60 }), async (answers) => {
        const own = promClientOwn();
        const tally = tallied();
        for (const { method, route, status, seconds } of answers) {
          own.observe(method, route, status, seconds);
          tally.observe(method, route, status, seconds);
        }
        expect(await tally.registry.metrics()).toBe(await own.registry.metrics());
      }),
      { numRuns: 200 },
    );
  });

  it('counts on between scrapes and keeps every series it has seen', async () => {
    const tally = tallied();
    tally.observe('GET', '/v1/apps/:id', 200, 0.002);
    const first = await tally.registry.metrics();
    expect(first).toContain('test_requests_total{method="GET",route="/v1/apps/:id",status="200"} 1');
    tally.observe('GET', '/v1/apps/:id', 200, 7);
    const second = await tally.registry.metrics();
    expect(second).toContain('test_requests_total{method="GET",route="/v1/apps/:id",status="200"} 2');
    expect(second).toContain(
      'test_request_duration_seconds_bucket{le="+Inf",method="GET",route="/v1/apps/:id",status="200"} 2',
    );
    expect(second).toContain(
      'test_request_duration_seconds_bucket{le="5",method="GET",route="/v1/apps/:id",status="200"} 1',
    );
  });

  it('counts into a new series after a reset, even the one counted last before it', async () => {
    const tally = tallied();
    tally.observe('GET', '/v1/apps/:id', 200, 0.002);
    tally.observe('GET', '/v1/apps/:id', 200, 0.002);
    tally.registry.resetMetrics();
    tally.observe('GET', '/v1/apps/:id', 200, 0.002);
    const metrics = await tally.registry.metrics();
    expect(metrics).toContain('test_requests_total{method="GET",route="/v1/apps/:id",status="200"} 1');
    expect(metrics).toContain(
      'test_request_duration_seconds_count{method="GET",route="/v1/apps/:id",status="200"} 1',
    );
  });
});
