import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../support/harness.js';
import { validateResponse, validateSchema } from '../support/openapi-validator.js';

/**
 * Every body the server sends, 200 or error, against Apple's OpenAPI subset plus the live-service corrections of
 * docs/apple-behavior.md, §1 (test/support/openapi-validator.ts), and the headers every response carries (§4, §6).
 * openapi-corrections.test.ts shows the corrections are needed and enforced.
 */

const METRICS = '/v1/apps/{id}/metrics/betaTesterUsages';
const PAGE_APP = '6447306070';
const metricsUrl = (query: string, appId = PAGE_APP) => `/v1/apps/${appId}/metrics/betaTesterUsages?${query}`;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const RATE_LIMIT = /^user-hour-lim:\d+;user-hour-rem:\d+;$/;
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

interface Links {
  self: string;
  next?: string;
}
interface MetricsBody {
  data: Array<{
    dataPoints: Array<{ start: string; end: string }>;
    dimensions: { betaTesters: { data: { id: string } } };
  }>;
  links: Links;
  meta: { paging: { total: number; limit: number } };
}
interface ErrorBody {
  errors: Array<{ id: string; status: string; code: string; source?: { parameter?: string } }>;
}

interface WireCheck {
  readonly status: number;
  /** The spec path whose GET declares this status; absent: validate against `schema`. */
  readonly template?: string;
  readonly schema?: string;
  /** The request carried a valid token, so the response must carry X-Rate-Limit (§6). */
  readonly validToken?: boolean;
  /** For errors: the one code expected. */
  readonly code?: string;
}

/** The checks every response gets; returns the parsed body. */
function expectWire<T>(response: LightMyRequestResponse, check: WireCheck): T {
  expect(response.statusCode, response.body).toBe(check.status);
  expect(response.headers['content-type']).toBe('application/json');
  expect(response.headers['x-request-id']).toEqual(expect.stringMatching(/\S/));
  if (check.validToken ?? true) expect(response.headers['x-rate-limit']).toMatch(RATE_LIMIT);
  const body: unknown = response.json();
  const errors =
    check.template !== undefined
      ? validateResponse(check.template, check.status, body)
      : validateSchema(check.schema ?? 'ErrorResponse', body);
  expect(errors).toEqual([]);
  if (check.status >= 400) {
    const items = (body as ErrorBody).errors;
    expect(items.length).toBeGreaterThan(0);
    for (const item of items) {
      expect(item.status).toBe(String(check.status));
      expect(item.id).toMatch(UUID);
      if (check.code !== undefined) expect(item.code).toBe(check.code);
    }
  }
  return body as T;
}

/** §1: members in the examples' order, one dataPoint of date-only strings per item. */
function expectMetricsShape(body: MetricsBody): void {
  expect(Object.keys(body)).toEqual(['data', 'links', 'meta']);
  for (const item of body.data) {
    expect(Object.keys(item)).toEqual(['type', 'dataPoints', 'dimensions']);
    expect(item.dataPoints).toHaveLength(1);
    for (const point of item.dataPoints) {
      expect(Object.keys(point)).toEqual(['start', 'end', 'values']);
      expect(point.start).toMatch(DATE_ONLY);
      expect(point.end).toMatch(DATE_ONLY);
    }
  }
}

const pathOf = (link: string) => {
  const url = new URL(link);
  return `${url.pathname}${url.search}`;
};

let harness: Harness;
beforeAll(async () => {
  harness = await createHarness({ demo: true });
});
afterAll(async () => {
  await harness.close();
});

async function metrics(url: string): Promise<MetricsBody> {
  const body = expectWire<MetricsBody>(await harness.get(url), { status: 200, template: METRICS });
  expectMetricsShape(body);
  return body;
}

describe('200', () => {
  it('pages through groupBy=betaTesters: first page, a middle page via links.next, the last page', async () => {
    const first = await metrics(metricsUrl('groupBy=betaTesters&limit=5'));
    expect(first.data).toHaveLength(5);
    expect(first.links.next).toBeDefined();
    const middle = await metrics(pathOf(first.links.next ?? ''));
    expect(middle.data).toHaveLength(5);
    expect(middle.links.next).toBeDefined();
    const firstIds = first.data.map((item) => item.dimensions.betaTesters.data.id);
    expect(middle.data.filter((item) => firstIds.includes(item.dimensions.betaTesters.data.id))).toEqual([]);

    let page = await metrics(metricsUrl('groupBy=betaTesters&limit=200'));
    expect(page.data).toHaveLength(200);
    let served = page.data.length;
    while (page.links.next !== undefined) {
      page = await metrics(pathOf(page.links.next));
      served += page.data.length;
    }
    expect(page.meta.paging).toEqual({ total: served, limit: 200 });
    expect(page.data.length).toBeGreaterThan(0);
  });

  it('filter[betaTesters] gives that tester only; an unknown tester gives an empty page', async () => {
    const first = await metrics(metricsUrl('groupBy=betaTesters&limit=1'));
    const id = first.data[0]?.dimensions.betaTesters.data.id ?? '';
    const one = await metrics(metricsUrl(`filter%5BbetaTesters%5D=${id}`));
    expect(one.data.map((item) => item.dimensions.betaTesters.data.id)).toEqual([id]);
    expect(one.meta.paging.total).toBe(1);

    const none = await metrics(metricsUrl('filter%5BbetaTesters%5D=00000000-0000-4000-8000-000000000000'));
    expect(none.data).toEqual([]);
    expect(none.meta.paging.total).toBe(0);
    expect(none.links.next).toBeUndefined();
  });

  it.each([
    ['P7D', 7],
    ['P30D', 30],
    ['P90D', 90],
    ['P365D', 365],
    [undefined, 365],
  ])('period %s covers %i days ending on the report date', async (period, days) => {
    const query = `${period === undefined ? '' : `period=${period}&`}groupBy=betaTesters&limit=3`;
    const body = await metrics(metricsUrl(query));
    const end = harness.reportClock.now().toISOString().slice(0, 10);
    const start = new Date(Date.parse(end) - days * 86_400_000).toISOString().slice(0, 10);
    expect(body.data.length).toBeGreaterThan(0);
    for (const item of body.data) expect(item.dataPoints[0]).toMatchObject({ start, end });
    const selfPeriod = new URL(body.links.self).searchParams.get('period');
    expect(selfPeriod).toBe(period === undefined ? null : `PT${days * 24}H`);
    // links.next repeats self's query, period as PT...H: the server must accept what it writes (§1).
    const next = await metrics(pathOf(body.links.next ?? ''));
    expect(next.data[0]?.dataPoints[0]).toMatchObject({ start, end });
  });

  it('GET /v1/apps, with paging, and GET /v1/apps/{id}', async () => {
    const first = expectWire<{ data: Array<{ id: string }>; links: Links }>(
      await harness.get('/v1/apps?limit=1'),
      { status: 200, template: '/v1/apps' },
    );
    expect(first.data).toHaveLength(1);
    const second = expectWire<{ data: Array<{ id: string }> }>(
      await harness.get(pathOf(first.links.next ?? '')),
      {
        status: 200,
        template: '/v1/apps',
      },
    );
    expect(second.data[0]?.id).not.toBe(first.data[0]?.id);
    const app = expectWire<{ data: { id: string } }>(await harness.get(`/v1/apps/${PAGE_APP}`), {
      status: 200,
      template: '/v1/apps/{id}',
    });
    expect(app.data.id).toBe(PAGE_APP);
  });

  it('GET /v1/betaTesters with filter[apps], filter[email] and paging, and GET /v1/betaTesters/{id}', async () => {
    type Testers = { data: Array<{ id: string; attributes: { email?: string } }>; links: Links };
    const template = '/v1/betaTesters';
    const byApp = expectWire<Testers>(await harness.get(`${template}?filter%5Bapps%5D=${PAGE_APP}&limit=2`), {
      status: 200,
      template,
    });
    expect(byApp.data).toHaveLength(2);
    const next = expectWire<Testers>(await harness.get(pathOf(byApp.links.next ?? '')), {
      status: 200,
      template,
    });
    expect(next.data.map((t) => t.id)).not.toContain(byApp.data[0]?.id);
    const tester = byApp.data[0];
    const email = tester?.attributes.email ?? '';
    const byEmail = expectWire<Testers>(
      await harness.get(`${template}?filter%5Bemail%5D=${encodeURIComponent(email)}`),
      { status: 200, template },
    );
    expect(byEmail.data.map((t) => t.id)).toContain(tester?.id);
    const one = expectWire<{ data: { id: string } }>(await harness.get(`${template}/${tester?.id}`), {
      status: 200,
      template: '/v1/betaTesters/{id}',
    });
    expect(one.data.id).toBe(tester?.id);
  });
});

describe('400', () => {
  it.each([
    ['PARAMETER_ERROR.INVALID', 'period', metricsUrl('groupBy=betaTesters&period=P1D')],
    ['PARAMETER_ERROR.INVALID', 'limit', metricsUrl('groupBy=betaTesters&limit=201')],
    ['PARAMETER_ERROR.INVALID', 'cursor', metricsUrl('cursor=BQ.AAAAAA&groupBy=betaTesters')],
    ['PARAMETER_ERROR.REQUIRED', undefined, metricsUrl('limit=5')],
    ['PARAMETER_ERROR.ILLEGAL', 'include', metricsUrl('groupBy=betaTesters&include=betaTesters')],
  ])('%s (%s) on the metrics endpoint', async (code, parameter, url) => {
    const body = expectWire<ErrorBody>(await harness.get(url), { status: 400, template: METRICS, code });
    expect(body.errors[0]?.source?.parameter).toBe(parameter);
  });

  it.each([
    ['/v1/apps', '/v1/apps?limit=0'],
    ['/v1/apps/{id}', `/v1/apps/${PAGE_APP}?sort=name`],
    ['/v1/betaTesters', '/v1/betaTesters?cursor=nonsense'],
    ['/v1/betaTesters/{id}', '/v1/betaTesters/8fa019c6-a92a-4563-ab06-577daa03c5d1?foo=1'],
  ])('on %s', async (template, url) => {
    expectWire(await harness.get(url), { status: 400, template });
  });
});

describe('401', () => {
  it.each([
    [METRICS, metricsUrl('groupBy=betaTesters')],
    ['/v1/apps', '/v1/apps'],
    ['/v1/betaTesters/{id}', '/v1/betaTesters/8fa019c6-a92a-4563-ab06-577daa03c5d1'],
  ])('a bad token on %s', async (template, url) => {
    const response = await harness.get(url, { authorization: 'Bearer not.a.token' });
    expectWire(response, { status: 401, template, validToken: false, code: 'NOT_AUTHORIZED' });
    const missing = await harness.app.inject({ method: 'GET', url });
    expectWire(missing, { status: 401, template, validToken: false, code: 'NOT_AUTHORIZED' });
  });
});

describe('403', () => {
  it.each([
    [METRICS, metricsUrl('groupBy=betaTesters')],
    ['/v1/betaTesters', '/v1/betaTesters'],
    ['/v1/betaTesters/{id}', '/v1/betaTesters/8fa019c6-a92a-4563-ab06-577daa03c5d1'],
  ])('a SALES key on %s', async (template, url) => {
    const sales = await harness.createKey('SALES');
    const response = await harness.get(url, { authorization: `Bearer ${await harness.token(sales)}` });
    expectWire(response, { status: 403, template, code: 'FORBIDDEN_ERROR' });
  });
});

describe('404', () => {
  it.each([
    [METRICS, metricsUrl('groupBy=betaTesters', '1')],
    ['/v1/apps/{id}', '/v1/apps/1'],
    ['/v1/betaTesters/{id}', '/v1/betaTesters/00000000-0000-4000-8000-000000000000'],
  ])('NOT_FOUND on %s', async (template, url) => {
    expectWire(await harness.get(url), { status: 404, template, code: 'NOT_FOUND' });
  });

  it('PATH_ERROR for a path that matches no resource (ErrorResponse)', async () => {
    expectWire(await harness.get('/v1/betaTesterThings'), { status: 404, code: 'PATH_ERROR' });
  });
});

describe('405', () => {
  it('POST on a resource (ErrorResponse)', async () => {
    const response = await harness.app.inject({
      method: 'POST',
      url: `/v1/apps/${PAGE_APP}`,
      headers: { authorization: `Bearer ${await harness.token()}` },
    });
    expectWire(response, { status: 405, code: 'METHOD_NOT_ALLOWED' });
    expect(response.headers.allow).toContain('GET');
  });
});

describe('429', () => {
  it('once the hourly budget is spent', async () => {
    const limited = await createHarness({ rateLimit: 1 });
    try {
      const first = await limited.get('/v1/apps');
      expectWire(first, { status: 200, template: '/v1/apps' });
      expect(first.headers['x-rate-limit']).toBe('user-hour-lim:1;user-hour-rem:0;');
      for (const template of ['/v1/apps', '/v1/betaTesters']) {
        expectWire(await limited.get(template), { status: 429, template, code: 'RATE_LIMIT_EXCEEDED' });
      }
      expectWire(await limited.get(metricsUrl('groupBy=betaTesters')), {
        status: 429,
        template: METRICS,
        code: 'RATE_LIMIT_EXCEEDED',
      });
    } finally {
      await limited.close();
    }
  });
});
