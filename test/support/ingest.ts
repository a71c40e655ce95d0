import type { LightMyRequestResponse } from 'fastify';
import { type Logger, pino } from 'pino';
import { afterEach, beforeEach, expect } from 'vitest';
import { createApp } from '../../src/main/create-app.js';
import { fixedBaseUrl } from '../../src/http/links.js';
import type { IngestionLimits } from '../../src/services/ingestion.js';
import { createServices } from '../../src/services/services.js';
import type { ExpectedError, PagedBody, UsageItem } from './api-responses.js';
import { APPLE_BASE_URL, createHarness, type Harness, seedApp } from './harness.js';

/** The report date and the wall clock of ingestion tests: the same instant, so `sentAt` tests read simply. */
export const NOW = '2023-10-05T12:00:00.000Z';
export const DAY_MS = 86_400_000;

/** The builds app 100 has in an IngestHarness. */
export const INGEST_BUILDS = ['42', '412', 'b', '😀'] as const;

export interface IngestHarness extends Harness {
  /**
   * An ingest key of app 100 (testers t1, t2, t3, none installed; builds INGEST_BUILDS); app 200 has tester u1
   * and no builds.
   */
  readonly key: string;
  readonly keyId: string;
}

export async function createIngestHarness(): Promise<IngestHarness> {
  const harness = await createHarness({ wallTime: NOW, reportTime: NOW });
  await seedApp(harness.store, '100', [
    { id: 't1', installed: false },
    { id: 't2', installed: false },
    { id: 't3', installed: false },
  ]);
  await seedApp(harness.store, '200', [{ id: 'u1', installed: false }]);
  // The builds the ingestion tests' events name: an event naming a build its app lacks is refused.
  for (const version of INGEST_BUILDS) {
    await harness.store.createBuild({
      id: `100-build-${version}`,
      appId: '100',
      version,
      uploadedAt: '2023-09-01T00:00:00.000Z',
    });
  }
  const created = await harness.services.ingestKeys.create('100');
  return Object.assign(harness, { key: created.key, keyId: created.id });
}

/**
 * A fresh IngestHarness for each test of the calling file, closed after it, handed to `use` before the test
 * runs: `let harness: IngestHarness; freshIngestHarnessForEachTest((fresh) => { harness = fresh; });`
 */
export function freshIngestHarnessForEachTest(use: (harness: IngestHarness) => void): void {
  let current: IngestHarness | undefined;
  beforeEach(async () => {
    current = await createIngestHarness();
    use(current);
  });
  afterEach(async () => {
    await current?.close();
  });
}

/** A valid event of app 100 by t1, 2 h before NOW, with `over` on top. */
export function usageEvent(id: string, over: Record<string, unknown> = {}): Record<string, unknown> {
  return { id, type: 'session', appId: '100', testerId: 't1', timestamp: '2023-10-05T10:00:00Z', ...over };
}

export const ndjson = (events: readonly unknown[]) => events.map((event) => JSON.stringify(event)).join('\n');

export interface PostOptions {
  readonly key?: string;
  readonly headers?: Record<string, string>;
  readonly app?: Harness['app'];
}

/** POST /ingest/v1/events with the harness's key; an object payload goes as JSON. */
export function postEvents(
  harness: IngestHarness,
  payload: object | string | Buffer,
  options: PostOptions = {},
): Promise<LightMyRequestResponse> {
  const isObject = typeof payload === 'object' && !Buffer.isBuffer(payload);
  return (options.app ?? harness.app).inject({
    method: 'POST',
    url: '/ingest/v1/events',
    headers: {
      authorization: `Bearer ${options.key ?? harness.key}`,
      'content-type': 'application/json',
      ...options.headers,
    },
    payload: isObject ? JSON.stringify(payload) : payload,
  });
}

/** Asserts a 200 with exactly `{accepted, duplicates}`. */
export function expectIngested(response: LightMyRequestResponse, accepted: number, duplicates: number): void {
  expect({ status: response.statusCode, body: response.json() }).toEqual({
    status: 200,
    body: { accepted, duplicates },
  });
  expect(response.headers['content-type']).toBe('application/json');
}

export type Values = { crashCount: number; sessionCount: number; feedbackCount: number };

/** App 100's metrics per tester for `period`, as the endpoint answers them. */
export async function usageOf(
  harness: Harness,
  period = 'P365D',
  appId = '100',
): Promise<Record<string, Values>> {
  const response = await harness.get(
    `/v1/apps/${appId}/metrics/betaTesterUsages?groupBy=betaTesters&period=${period}&limit=200`,
  );
  expect(response.statusCode, response.body).toBe(200);
  const body = response.json<PagedBody<UsageItem>>();
  return Object.fromEntries(
    body.data.map((item) => [item.dimensions.betaTesters.data.id, item.dataPoints[0]?.values]),
  ) as Record<string, Values>;
}

/** Nothing of any refused batch reached the store: no event, no tester installed, nothing counted accepted. */
export async function expectNothingStored(harness: IngestHarness): Promise<void> {
  expect(await harness.store.listUsageEvents('100', undefined, 10)).toEqual([]);
  expect(await usageOf(harness)).toEqual({});
  for (const app of await harness.services.ingestion.stats()) expect(app.accepted).toBe(0);
}

/** Every window's answer at once, to show that something changed nothing, or only some windows. */
export async function allWindows(harness: Harness, appId = '100') {
  const windows: Record<string, Record<string, Values>> = {};
  for (const period of ['P7D', 'P30D', 'P90D', 'P365D'])
    windows[period] = await usageOf(harness, period, appId);
  return windows;
}

export const values = (sessionCount: number, crashCount = 0, feedbackCount = 0): Values => ({
  crashCount,
  sessionCount,
  feedbackCount,
});

/** A second app over the harness's store and clocks, with other limits and, when given, a logger. */
export async function appWith(
  harness: Harness,
  limits: IngestionLimits,
  logger?: Logger,
): Promise<Harness['app']> {
  const services = await createServices(
    harness.store,
    { clock: harness.clock, reportClock: harness.reportClock },
    limits,
  );
  const app = createApp({
    services,
    baseUrl: fixedBaseUrl(APPLE_BASE_URL),
    ...(logger !== undefined && { logger }),
  });
  await app.ready();
  return app;
}

/** A pino logger whose lines land in `lines`, parsed. */
export function memoryLogger(): {
  logger: Logger;
  lines: Array<Record<string, unknown>>;
  raw: string[];
} {
  const raw: string[] = [];
  const lines: Array<Record<string, unknown>> = [];
  const logger = pino(
    { level: 'debug' },
    {
      write(chunk: string) {
        raw.push(chunk);
        lines.push(JSON.parse(chunk) as Record<string, unknown>);
      },
    },
  );
  return { logger, lines, raw };
}

/** One expected error item with a JSON pointer into the batch. */
export const at = (code: string, title: string, detail: string, pointer: string): ExpectedError => ({
  code,
  title,
  detail,
  source: { pointer },
});

export const TITLES = {
  REQUIRED: 'The provided entity is missing a required attribute',
  INVALID: 'The provided entity includes an attribute with an invalid value',
  UNKNOWN: 'The provided entity includes an unknown attribute',
  RELATIONSHIP: 'The provided entity includes a relationship with an invalid value',
  ENTITY: 'The request entity is not valid',
} as const;
