import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import { createApp } from '../../src/main/create-app.js';
import { fixedBaseUrl } from '../../src/http/links.js';
import { createServices } from '../../src/services/services.js';
import { signToken } from '../../src/services/token-signer.js';
import { type OpenOptions, openStore, type StoreLocation } from '../../src/storage/open-store.js';
import type { Store } from '../../src/storage/store.js';
import { APPLE_BASE_URL, seedApp, testClock } from './harness.js';
import { memoryLogger, NOW, usageEvent } from './ingest.js';

/**
 * An app over a store at a given location (the harness picks its own), with a log a test reads: for tests
 * that take the database away from under it. App 100 has tester t1, installed with 2 sessions on 2023-10-01,
 * and an ingest key; reports and the wall clock are at NOW.
 */
export interface StoreApp {
  readonly app: FastifyInstance;
  readonly store: Store;
  /** The app's log lines, parsed. */
  readonly log: Array<Record<string, unknown>>;
  /** The app's log as written. */
  readonly rawLog: string[];
  /** App 100's ingest key. */
  readonly ingestKey: string;
  /** The Authorization header of an ADMIN key's token, made now. */
  authorization(): Promise<string>;
  /** GET app 100's metrics (`METRICS_TARGET`), with an ADMIN token. */
  metrics(): Promise<LightMyRequestResponse>;
  /** POST a batch of session events of t1 with these ids. */
  ingest(ids: readonly string[]): Promise<LightMyRequestResponse>;
  healthz(): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

/** What `StoreApp.metrics` asks for. */
export const METRICS_TARGET = '/v1/apps/100/metrics/betaTesterUsages?groupBy=betaTesters&period=P7D';

export async function createStoreApp(location: StoreLocation, options: OpenOptions = {}): Promise<StoreApp> {
  const store = await openStore(location, options);
  try {
    await seedApp(store, '100', [{ id: 't1', sessions: 2 }]);
    const clock = testClock(NOW);
    const services = await createServices(store, { clock, reportClock: testClock(NOW) });
    const { logger, lines, raw } = memoryLogger();
    const app = createApp({ services, baseUrl: fixedBaseUrl(APPLE_BASE_URL), logger });
    await app.ready();
    const admin = await services.apiKeys.create({ name: 'admin', role: 'ADMIN' });
    const { key } = await services.ingestKeys.create('100');
    const authorization = async () => {
      const token = await signToken({
        privateKeyPem: admin.privateKeyPem,
        keyId: admin.keyId,
        ...(admin.issuerId !== undefined && { issuerId: admin.issuerId }),
        now: clock.now(),
      });
      return `Bearer ${token}`;
    };
    return {
      app,
      store,
      log: lines,
      rawLog: raw,
      ingestKey: key,
      authorization,
      metrics: async () =>
        app.inject({ method: 'GET', url: METRICS_TARGET, headers: { authorization: await authorization() } }),
      ingest: (ids) =>
        app.inject({
          method: 'POST',
          url: '/ingest/v1/events',
          headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
          payload: JSON.stringify({ events: ids.map((id) => usageEvent(id)) }),
        }),
      healthz: () => app.inject({ method: 'GET', url: '/healthz' }),
      async close() {
        await app.close();
        await store.close();
      },
    };
  } catch (error) {
    await store.close();
    throw error;
  }
}

/** Asserts 503 SERVICE_UNAVAILABLE in Apple's shape, with Retry-After. */
export function expectUnavailable(response: LightMyRequestResponse, what: string): void {
  expect(response.statusCode, `${what}: ${response.body}`).toBe(503);
  expect(response.headers['retry-after'], what).toBe('5');
  expect(response.headers['content-type'], what).toBe('application/json');
  const { errors } = response.json<{ errors: Array<Record<string, unknown>> }>();
  expect(errors, what).toHaveLength(1);
  expect(errors[0], what).toMatchObject({
    status: '503',
    code: 'SERVICE_UNAVAILABLE',
    title: 'The service is unavailable',
  });
  expect(errors[0]?.id, what).toEqual(expect.any(String));
}

/**
 * A request that took a pooled connection just as the test ended every session of the database is told so
 * (57P01) before any new connection meets the cause under test: a 503 too, with its own true cause.
 */
const SESSION_ENDED_BY_THE_TEST = /^57P01: terminating connection due to administrator command$/;

/**
 * Asserts the log named the cause of the 503s in warn lines matching `cause` (the first ones may name the
 * session the test ended), and holds no error line, no stack and nothing of `secret`.
 */
export function expectUnavailableLogged(storeApp: StoreApp, cause: RegExp, secret?: string): void {
  const warned = storeApp.log.filter((line) => line.msg === 'the database cannot serve now: answered 503');
  expect(warned.some((line) => cause.test(String(line.cause)))).toBe(true);
  for (const line of warned) {
    expect(line.level).toBe(40);
    expect(String(line.cause)).toMatch(
      SESSION_ENDED_BY_THE_TEST.test(String(line.cause)) ? SESSION_ENDED_BY_THE_TEST : cause,
    );
  }
  expect(storeApp.log.filter((line) => Number(line.level) >= 50)).toEqual([]);
  const raw = storeApp.rawLog.join('');
  expect(raw).not.toMatch(/\bstack\b|\n\s+at /);
  if (secret !== undefined) expect(raw).not.toContain(secret);
}
