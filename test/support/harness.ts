import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import type { Clock } from '../../src/domain/clock.js';
import { type ConnectionLimits, DEFAULT_CONNECTION_LIMITS } from '../../src/http/connection-limits.js';
import { createApp } from '../../src/main/create-app.js';
import { fixedBaseUrl } from '../../src/http/links.js';
import type { CreatedApiKey } from '../../src/services/api-keys.js';
import { loadDemoData } from '../../src/services/demo/load-demo.js';
import { inMemoryRateLimiter } from '../../src/services/rate-limiter.js';
import { createServices, type Services } from '../../src/services/services.js';
import { signToken, type TokenRequest } from '../../src/services/token-signer.js';
import { openStore } from '../../src/storage/open-store.js';
import { type TestStoreLocation, testStoreLocation } from './test-database.js';
import type { UsageEventRecord } from '../../src/domain/records/usage-event-record.js';
import type { Store } from '../../src/storage/store.js';

/** A clock a test can move. */
export interface TestClock extends Clock {
  set(at: Date | string): void;
  advance(ms: number): void;
}

export function testClock(start: Date | string): TestClock {
  let time = new Date(start).getTime();
  return {
    now: () => new Date(time),
    set: (at) => {
      time = new Date(at).getTime();
    },
    advance: (ms) => {
      time += ms;
    },
  };
}

export interface HarnessOptions {
  /** Load the demo (the page's apps and testers) before services start. */
  readonly demo?: boolean;
  /** Requests per key per hour; 0 turns limiting off. Default 3600. */
  readonly rateLimit?: number;
  /** The report date's instant. Default 2023-10-05T12:00:00Z, the page's. */
  readonly reportTime?: string;
  /** Wall time for tokens and rate limits. Default: the real time when the harness starts. */
  readonly wallTime?: string;
  /** The public base URL links are built on. Default Apple's, so bodies compare with the page as they are. */
  readonly baseUrl?: string;
  /** Timeouts and the socket cap, over the defaults; they matter once a test calls `app.listen`. */
  readonly connectionLimits?: Partial<ConnectionLimits>;
  /** Serve the test controls under `/_beta-metrics/`, as `serve --allow-faults` does. */
  readonly allowFaults?: boolean;
}

export interface Harness {
  readonly app: FastifyInstance;
  readonly store: Store;
  readonly services: Services;
  readonly clock: TestClock;
  readonly reportClock: TestClock;
  /** An ADMIN team key created for the test. */
  readonly admin: CreatedApiKey;
  /** Where the store is: a temporary SQLite directory, or a PostgreSQL schema (the "postgres" project). */
  readonly location: TestStoreLocation;
  /** The public base URL links are built on. */
  readonly baseUrl: string;
  /** A token for `key` (default the admin key), signed now by the wall clock. */
  token(key?: CreatedApiKey, overrides?: Partial<TokenRequest>): Promise<string>;
  /** GET with a valid admin token unless `headers` say otherwise. */
  get(url: string, headers?: Record<string, string>): Promise<LightMyRequestResponse>;
  createKey(role: string, individual?: boolean): Promise<CreatedApiKey>;
  close(): Promise<void>;
}

export const APPLE_BASE_URL = 'https://api.appstoreconnect.apple.com';

export async function createHarness(options: HarnessOptions = {}): Promise<Harness> {
  const location = await testStoreLocation();
  const store = await openStore(location.location);
  if (options.demo) await loadDemoData(store);
  const clock = testClock(options.wallTime ?? new Date());
  const reportClock = testClock(options.reportTime ?? '2023-10-05T12:00:00Z');
  const services = await createServices(store, { clock, reportClock });
  const rateLimit = options.rateLimit ?? 3600;
  const baseUrl = options.baseUrl ?? APPLE_BASE_URL;
  const app = createApp({
    services,
    ...(rateLimit > 0 && { rateLimiter: inMemoryRateLimiter(rateLimit, clock) }),
    baseUrl: fixedBaseUrl(baseUrl),
    ...(options.connectionLimits !== undefined && {
      connectionLimits: { ...DEFAULT_CONNECTION_LIMITS, ...options.connectionLimits },
    }),
    ...(options.allowFaults === true && { allowFaults: true }),
  });
  await app.ready();
  const admin = await services.apiKeys.create({ name: 'test admin', role: 'ADMIN' });
  const token = (key: CreatedApiKey = admin, overrides: Partial<TokenRequest> = {}) =>
    signToken({
      privateKeyPem: key.privateKeyPem,
      keyId: key.keyId,
      ...(key.issuerId !== undefined && { issuerId: key.issuerId }),
      now: clock.now(),
      ...overrides,
    });
  return {
    app,
    store,
    services,
    clock,
    reportClock,
    admin,
    location,
    baseUrl,
    token,
    async get(url, headers) {
      const authorization = headers?.authorization ?? `Bearer ${await token()}`;
      return app.inject({ method: 'GET', url, headers: { ...headers, authorization } });
    },
    createKey: (role, individual = false) =>
      services.apiKeys.create({ name: `${role} key`, role, individual }),
    async close() {
      await app.close();
      await store.close();
      await location.cleanup();
    },
  };
}

/** Creates an app with testers, and the events that make some of them installed. */
export async function seedApp(
  store: Store,
  appId: string,
  testers: ReadonlyArray<{
    id: string;
    sessions?: number;
    crashes?: number;
    feedback?: number;
    day?: string;
    installed?: boolean;
  }>,
): Promise<void> {
  await store.createApp({
    id: appId,
    name: `App ${appId}`,
    bundleId: `com.example.app${appId}`,
    sku: `SKU${appId}`,
    primaryLocale: 'en-US',
    createdAt: '2023-01-01T00:00:00.000Z',
  });
  const fresh = [];
  for (const tester of testers) {
    if ((await store.findTester(tester.id)) === undefined) {
      fresh.push({
        id: tester.id,
        email: `${tester.id}@example.com`,
        firstName: 'Test',
        lastName: tester.id,
        inviteType: 'EMAIL' as const,
        createdAt: '2023-01-01T00:00:00.000Z',
      });
    }
  }
  await store.createTesters(fresh);
  await store.addTestersToApps(
    testers.map((tester) => ({
      appId,
      testerId: tester.id,
      state: 'INVITED' as const,
      invitedAt: '2023-01-02T00:00:00.000Z',
    })),
  );
  const events: UsageEventRecord[] = [];
  for (const tester of testers) {
    if (tester.installed === false) continue;
    const occurredAt = `${tester.day ?? '2023-10-01'}T10:00:00.000Z`;
    const event = (type: UsageEventRecord['type'], n: number): UsageEventRecord => ({
      id: `${appId}-${tester.id}-${type}-${n}-${occurredAt}`,
      appId,
      testerId: tester.id,
      type,
      occurredAt,
      receivedAt: occurredAt,
    });
    events.push(event('install', 0));
    for (let n = 0; n < (tester.sessions ?? 0); n++) events.push(event('session', n));
    for (let n = 0; n < (tester.crashes ?? 0); n++) events.push(event('crash', n));
    for (let n = 0; n < (tester.feedback ?? 0); n++) events.push(event('feedback', n));
  }
  await store.appendUsageEvents(events);
}
