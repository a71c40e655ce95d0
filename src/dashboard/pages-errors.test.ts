import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formHeaders, sessionCookieOf } from '../../test/support/dashboard.js';
import { createHarness, type Harness, seedApp } from '../../test/support/harness.js';
import { createApp } from '../main/create-app.js';
import { fixedBaseUrl } from '../http/links.js';
import { createServices } from '../services/services.js';
import { StoreUnavailableError } from '../domain/store-problems.js';
import type { Store } from '../storage/store.js';

// When the store fails: pages that say what to do, never the API's JSON and never a stack trace.

let harness: Harness;
let failure: Error | undefined;

/** The harness's store, whose reads (a session check, a page's snapshot) throw `failure` while it is set. */
function failingStore(store: Store): Store {
  const failing = new Set(['snapshot', 'listAppsWithTesterCounts', 'findDashboardSession']);
  return new Proxy(store, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        if (failure !== undefined && typeof property === 'string' && failing.has(property))
          return Promise.reject(failure);
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}

beforeAll(async () => {
  harness = await createHarness({ rateLimit: 0 });
  await seedApp(harness.store, '1111111111', [{ id: 't1', sessions: 2 }]);
});
afterAll(() => harness.close());

async function signedInApp() {
  const store = failingStore(harness.store);
  const services = await createServices(store, { clock: harness.clock, reportClock: harness.reportClock });
  const app = createApp({ services, baseUrl: fixedBaseUrl(harness.baseUrl) });
  const link = await services.dashboardSessions.createLoginLink();
  const signedIn = await app.inject({
    method: 'POST',
    url: '/dashboard/login',
    headers: formHeaders(harness),
    payload: `token=${link.token}`,
  });
  return { app, cookie: sessionCookieOf(signedIn) };
}

describe('503', () => {
  it('says the database cannot be reached, and what to check', async () => {
    const { app, cookie } = await signedInApp();
    failure = new StoreUnavailableError();
    try {
      for (const url of [
        '/dashboard',
        '/dashboard/apps/1111111111',
        '/dashboard/apps/1111111111/testers/t1',
      ]) {
        const answer = await app.inject({ method: 'GET', url, headers: { cookie } });
        expect(answer.statusCode, url).toBe(503);
        expect(answer.headers['content-type']).toBe('text/html; charset=utf-8');
        expect(answer.body).toContain('The database cannot be reached');
        expect(answer.body).toContain('Check that PostgreSQL is up');
      }
    } finally {
      failure = undefined;
      await app.close();
    }
  });
});

describe('500', () => {
  it('gives the request id to look for in the log, and nothing of the error', async () => {
    const { app, cookie } = await signedInApp();
    failure = new Error('secret internals at /srv/db');
    try {
      const answer = await app.inject({ method: 'GET', url: '/dashboard', headers: { cookie } });
      expect(answer.statusCode).toBe(500);
      expect(answer.body).toContain('Something went wrong');
      expect(answer.body).toContain(String(answer.headers['x-request-id']));
      expect(answer.body).not.toContain('secret internals');
    } finally {
      failure = undefined;
      await app.close();
    }
  });
});
