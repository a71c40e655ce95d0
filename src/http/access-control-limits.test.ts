import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../../test/support/harness.js';
import { rateLimitHeader } from './access-control.js';

// Roles (docs/apple-behavior.md, §5) and rate limits (§6) through HTTP; authentication: access-control.test.ts.

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const METRICS = '/v1/apps/6447306070/metrics/betaTesterUsages?groupBy=betaTesters';
const OTHER_APP_METRICS = '/v1/apps/6448250830/metrics/betaTesterUsages?groupBy=betaTesters';
const HOUR = 3_600_000;

function expectAppleError(response: LightMyRequestResponse, status: number, fields: object): void {
  expect(response.statusCode).toBe(status);
  expect(response.headers['content-type']).toBe('application/json');
  expect(response.json()).toEqual({
    errors: [{ id: expect.stringMatching(UUID), status: String(status), ...fields }],
  });
}

const FORBIDDEN = {
  code: 'FORBIDDEN_ERROR',
  title: 'This request is forbidden for security reasons',
  detail: 'The API key in use does not allow this request',
};
const RATE_LIMIT_EXCEEDED = {
  code: 'RATE_LIMIT_EXCEEDED',
  title: 'The request rate limit has been reached.',
  detail:
    "We've received too many requests for this API. Please wait and try again or slow down your request rate.",
};

/** GET `url` with a fresh token for `key`. */
async function getAs(harness: Harness, key: Harness['admin'], url: string) {
  return harness.get(url, { authorization: `Bearer ${await harness.token(key)}` });
}

describe('roles', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await createHarness({ demo: true });
  });
  afterAll(() => harness.close());

  describe.each(['ADMIN', 'APP_MANAGER', 'DEVELOPER', 'MARKETING'])('%s', (role) => {
    it('reads TestFlight metrics and testers: 200', async () => {
      const key = await harness.createKey(role);
      const metrics = await getAs(harness, key, METRICS);
      expect(metrics.statusCode).toBe(200);
      expect(metrics.json().data.length).toBeGreaterThan(0);
      expect((await getAs(harness, key, OTHER_APP_METRICS)).statusCode).toBe(200);
      const testers = await getAs(harness, key, '/v1/betaTesters');
      expect(testers.statusCode).toBe(200);
      expect(testers.json().data.length).toBeGreaterThan(0);
    });

    it('as an individual key too: 200', async () => {
      const key = await harness.createKey(role, true);
      expect((await getAs(harness, key, METRICS)).statusCode).toBe(200);
    });
  });

  describe.each(['SALES', 'FINANCE', 'CUSTOMER_SUPPORT'])('%s', (role) => {
    it("may not read TestFlight metrics or testers: 403 FORBIDDEN_ERROR with Apple's texts", async () => {
      const key = await harness.createKey(role);
      expectAppleError(await getAs(harness, key, METRICS), 403, FORBIDDEN);
      expectAppleError(await getAs(harness, key, '/v1/betaTesters'), 403, FORBIDDEN);
    });

    it('lists apps: 200', async () => {
      const key = await harness.createKey(role);
      const apps = await getAs(harness, key, '/v1/apps');
      expect(apps.statusCode).toBe(200);
      expect(apps.json().data.map((app: { id: string }) => app.id)).toEqual(
        expect.arrayContaining(['6447306070', '6448250830']),
      );
    });
  });
});

describe('X-Rate-Limit', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await createHarness({ demo: true });
  });
  afterAll(() => harness.close());

  it("counts down from Apple's 3600 per key, on every authenticated response", async () => {
    const key = await harness.createKey('DEVELOPER');
    const seen: Array<string | string[] | number | undefined> = [];
    for (const url of [METRICS, '/v1/betaTesters', '/v1/apps', METRICS]) {
      seen.push((await getAs(harness, key, url)).headers['x-rate-limit']);
    }
    expect(seen).toEqual([
      'user-hour-lim:3600;user-hour-rem:3599;',
      'user-hour-lim:3600;user-hour-rem:3598;',
      'user-hour-lim:3600;user-hour-rem:3597;',
      'user-hour-lim:3600;user-hour-rem:3596;',
    ]);
  });

  it("names each budget's own limit, whatever the limit of the budget before", () => {
    const headers = [3600, 3600, 5, 3600].map((limit, n) =>
      rateLimitHeader({ allowed: true, limit, remaining: n }),
    );
    expect(headers).toEqual([
      'user-hour-lim:3600;user-hour-rem:0;',
      'user-hour-lim:3600;user-hour-rem:1;',
      'user-hour-lim:5;user-hour-rem:2;',
      'user-hour-lim:3600;user-hour-rem:3;',
    ]);
  });

  it('counts each key apart', async () => {
    const first = await harness.createKey('ADMIN');
    const second = await harness.createKey('ADMIN');
    await getAs(harness, first, METRICS);
    await getAs(harness, first, METRICS);
    const response = await getAs(harness, second, METRICS);
    expect(response.headers['x-rate-limit']).toBe('user-hour-lim:3600;user-hour-rem:3599;');
  });

  it('counts a 403 (the request reached the resource) and shows, without spending, on an unknown path', async () => {
    const key = await harness.createKey('SALES');
    const forbidden = await getAs(harness, key, METRICS);
    expect(forbidden.statusCode).toBe(403);
    expect(forbidden.headers['x-rate-limit']).toBe('user-hour-lim:3600;user-hour-rem:3599;');
    const unknown = await getAs(harness, key, '/v1/nothingHere');
    expect(unknown.statusCode).toBe(404);
    expect(unknown.headers['x-rate-limit']).toBe('user-hour-lim:3600;user-hour-rem:3599;');
    const next = await getAs(harness, key, '/v1/apps');
    expect(next.headers['x-rate-limit']).toBe('user-hour-lim:3600;user-hour-rem:3598;');
  });
});

describe('429', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await createHarness({ demo: true, rateLimit: 3 });
  });
  afterAll(() => harness.close());

  it("the request after the budget is spent gets RATE_LIMIT_EXCEEDED with Apple's texts, until an hour passes", async () => {
    const key = await harness.createKey('ADMIN');
    const remaining = [];
    for (let i = 0; i < 3; i++) {
      const response = await getAs(harness, key, METRICS);
      expect(response.statusCode).toBe(200);
      remaining.push(response.headers['x-rate-limit']);
    }
    expect(remaining).toEqual([
      'user-hour-lim:3;user-hour-rem:2;',
      'user-hour-lim:3;user-hour-rem:1;',
      'user-hour-lim:3;user-hour-rem:0;',
    ]);

    const refused = await getAs(harness, key, METRICS);
    expectAppleError(refused, 429, RATE_LIMIT_EXCEEDED);
    expect(refused.headers['x-rate-limit']).toBe('user-hour-lim:3;user-hour-rem:0;');
    expectAppleError(await getAs(harness, key, '/v1/apps'), 429, RATE_LIMIT_EXCEEDED);

    // Another key still has its budget.
    const other = await harness.createKey('ADMIN');
    expect((await getAs(harness, other, METRICS)).statusCode).toBe(200);

    harness.clock.advance(HOUR);
    const restored = await getAs(harness, key, METRICS);
    expect(restored.statusCode).toBe(200);
    expect(restored.headers['x-rate-limit']).toBe('user-hour-lim:3;user-hour-rem:2;');
  });

  it('comes before a missing resource: 429, not 404, for an app that does not exist', async () => {
    const key = await harness.createKey('ADMIN');
    for (let i = 0; i < 3; i++) await getAs(harness, key, METRICS);
    const response = await getAs(harness, key, '/v1/apps/1/metrics/betaTesterUsages?groupBy=betaTesters');
    expectAppleError(response, 429, RATE_LIMIT_EXCEEDED);
  });
});

describe('rate limiting off (rateLimit 0)', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await createHarness({ demo: true, rateLimit: 0 });
  });
  afterAll(() => harness.close());

  it('sends no X-Rate-Limit header and never answers 429', async () => {
    for (let i = 0; i < 10; i++) {
      const response = await harness.get(METRICS);
      expect(response.statusCode).toBe(200);
      expect(response.headers).not.toHaveProperty('x-rate-limit');
    }
  });
});
