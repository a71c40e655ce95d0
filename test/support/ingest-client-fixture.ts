import type { FastifyInstance } from 'fastify';
import { createApp } from '../../src/main/create-app.js';
import { fixedBaseUrl } from '../../src/http/links.js';
import { DEFAULT_INGESTION_LIMITS, type IngestionLimits } from '../../src/services/ingestion.js';
import { createServices } from '../../src/services/services.js';
import { type FaultProxy, startFaultProxy } from './fault-proxy.js';
import { APPLE_BASE_URL, createHarness, type Harness, seedApp } from './harness.js';

/** A tester's counts in the metrics of app 100 (GET betaTesterUsages, groupBy=betaTesters, 365 days). */
export interface TesterCounts {
  readonly sessionCount?: number;
  readonly crashCount?: number;
  readonly feedbackCount?: number;
}

export interface ClientFixture {
  readonly harness: Harness;
  /** The real server, listening; the client talks to it through `proxy`. */
  readonly serverUrl: string;
  readonly proxy: FaultProxy;
  /** A live ingest key of app 100. */
  readonly key: string;
  readonly keyId: string;
  /** Per tester of app 100, what the metrics endpoint reports. */
  metrics(): Promise<Record<string, TesterCounts>>;
  /** App 100's screenshot or crash submissions as the API serves them (`data` of the first page). */
  submissions(kind: 'screenshot' | 'crash'): Promise<ApiSubmission[]>;
  /** The text of a crash submission's log, as `GET .../crashLog` serves it. */
  crashLogText(submissionId: string): Promise<string>;
  close(): Promise<void>;
}

/** A submission resource as the API serves it: its id and the attributes the client tests read. */
export interface ApiSubmission {
  readonly id: string;
  readonly attributes: {
    readonly comment?: string | null;
    readonly deviceModel?: string | null;
    readonly batteryPercentage?: number | null;
    readonly screenshots?: ReadonlyArray<{ readonly width: number; readonly height: number }>;
  };
}

/**
 * A real beta-metrics server (report time now) with app 100 (build 42) and testers t1, t2 (none installed yet), an
 * ingest key, listening on a free port behind a fault proxy. `limits` change the server's ingestion limits.
 */
export async function startClientFixture(limits: Partial<IngestionLimits> = {}): Promise<ClientFixture> {
  const harness = await createHarness({ reportTime: new Date().toISOString() });
  await seedApp(harness.store, '100', [
    { id: 't1', installed: false },
    { id: 't2', installed: false },
  ]);
  // The build the client tests' events name: an event naming a build its app lacks is refused.
  await harness.store.createBuild({
    id: '100-build-42',
    appId: '100',
    version: '42',
    uploadedAt: new Date().toISOString(),
  });
  let server: FastifyInstance = harness.app;
  if (Object.keys(limits).length > 0) {
    const clocks = { clock: harness.clock, reportClock: harness.reportClock };
    const services = await createServices(harness.store, clocks, { ...DEFAULT_INGESTION_LIMITS, ...limits });
    server = createApp({ services, baseUrl: fixedBaseUrl(APPLE_BASE_URL) });
  }
  const serverUrl = await server.listen({ port: 0, host: '127.0.0.1' });
  const proxy = await startFaultProxy(serverUrl);
  const created = await harness.services.ingestKeys.create('100');
  return {
    harness,
    serverUrl,
    proxy,
    key: created.key,
    keyId: created.id,
    async metrics() {
      const response = await harness.get('/v1/apps/100/metrics/betaTesterUsages?groupBy=betaTesters');
      if (response.statusCode !== 200) throw new Error(`metrics: ${response.statusCode} ${response.body}`);
      const body = response.json<{
        data: Array<{
          dimensions: { betaTesters: { data: { id: string } } };
          dataPoints: Array<{ values: TesterCounts }>;
        }>;
      }>();
      return Object.fromEntries(
        body.data.map((item) => [item.dimensions.betaTesters.data.id, item.dataPoints[0]?.values ?? {}]),
      );
    },
    async submissions(kind) {
      const type =
        kind === 'screenshot' ? 'betaFeedbackScreenshotSubmissions' : 'betaFeedbackCrashSubmissions';
      const response = await harness.get(`/v1/apps/100/${type}`);
      if (response.statusCode !== 200) throw new Error(`${type}: ${response.statusCode} ${response.body}`);
      return response.json<{ data: ApiSubmission[] }>().data;
    },
    async crashLogText(submissionId) {
      const response = await harness.get(`/v1/betaFeedbackCrashSubmissions/${submissionId}/crashLog`);
      if (response.statusCode !== 200) throw new Error(`crashLog: ${response.statusCode} ${response.body}`);
      return response.json<{ data: { attributes: { logText: string } } }>().data.attributes.logText;
    },
    async close() {
      await proxy.close();
      if (server !== harness.app) await server.close();
      await harness.close();
    },
  };
}
