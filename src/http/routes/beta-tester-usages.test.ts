import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  addEvents,
  expectErrors,
  FORBIDDEN,
  getAs,
  getWithoutToken,
  NOT_AUTHORIZED,
  notFound,
  type PagedBody,
  RATE_LIMITED,
  type UsageItem,
} from '../../../test/support/api-responses.js';
import { APPLE_BASE_URL, createHarness, type Harness, seedApp } from '../../../test/support/harness.js';

const PATH = '/v1/apps/100/metrics/betaTesterUsages';
const BASE = `${APPLE_BASE_URL}${PATH}`;

let harness: Harness;
beforeEach(async () => {
  harness = await createHarness();
});
afterEach(async () => {
  await harness.close();
});

async function getUsages(query: string): Promise<PagedBody<UsageItem>> {
  const response = await harness.get(`${PATH}?${query}`);
  expect(response.statusCode, response.body).toBe(200);
  expect(response.headers['content-type']).toBe('application/json');
  return response.json<PagedBody<UsageItem>>();
}

const idsOf = (body: PagedBody<UsageItem>) => body.data.map((item) => item.dimensions.betaTesters.data.id);

describe('200', () => {
  describe('the window', () => {
    // Report date 2023-10-05 (the harness's). start = report date - N days (not counted), end = report date.
    const cases = [
      { period: 'P7D', start: '2023-09-28', duration: 'PT168H' },
      { period: 'P30D', start: '2023-09-05', duration: 'PT720H' },
      { period: 'P90D', start: '2023-07-07', duration: 'PT2160H' },
      { period: 'P365D', start: '2022-10-05', duration: 'PT8760H' },
    ];

    it.each(cases)(
      '$period covers $start (excluded) to 2023-10-05 (included)',
      async ({ period, start, duration }) => {
        await seedApp(harness.store, '100', [{ id: 'w', day: '2021-06-01' }]);
        const dayAfterStart = new Date(Date.parse(`${start}T00:00:00Z`) + 86_400_000)
          .toISOString()
          .slice(0, 10);
        await addEvents(harness.store, '100', ['w'], 'session', 1, '2023-10-05T23:59:59.999Z');
        await addEvents(harness.store, '100', ['w'], 'crash', 1, '2023-10-05T00:00:00.000Z');
        await addEvents(harness.store, '100', ['w'], 'session', 2, `${dayAfterStart}T00:00:00.000Z`);
        await addEvents(harness.store, '100', ['w'], 'feedback', 1, `${dayAfterStart}T12:00:00.000Z`);
        for (const type of ['session', 'crash', 'feedback'] as const) {
          await addEvents(harness.store, '100', ['w'], type, 4, `${start}T23:59:59.999Z`);
          await addEvents(harness.store, '100', ['w'], type, 8, '2023-10-06T00:00:00.000Z');
        }

        const body = await getUsages(`groupBy=betaTesters&period=${period}`);

        expect(body.data.map((item) => item.dataPoints)).toEqual([
          [{ start, end: '2023-10-05', values: { crashCount: 1, sessionCount: 3, feedbackCount: 1 } }],
        ]);
        expect(body.links.self).toBe(`${BASE}?groupBy=betaTesters&period=${duration}`);
      },
    );

    it('is 365 days without period, and self then carries no period', async () => {
      await seedApp(harness.store, '100', [{ id: 'w', sessions: 2, day: '2022-10-06' }]);
      await addEvents(harness.store, '100', ['w'], 'session', 4, '2022-10-05T12:00:00.000Z');

      const body = await getUsages('groupBy=betaTesters');

      expect(body.data[0]?.dataPoints).toEqual([
        {
          start: '2022-10-05',
          end: '2023-10-05',
          values: { crashCount: 0, sessionCount: 2, feedbackCount: 0 },
        },
      ]);
      expect(body.links.self).toBe(`${BASE}?groupBy=betaTesters`);
    });

    it('ends on the report clock’s UTC day', async () => {
      harness.reportClock.set('2024-02-29T23:59:59.000Z');
      await seedApp(harness.store, '100', [{ id: 'w', sessions: 3, day: '2024-02-29' }]);

      const body = await getUsages('groupBy=betaTesters&period=P7D');

      expect(body.data[0]?.dataPoints).toEqual([
        {
          start: '2024-02-22',
          end: '2024-02-29',
          values: { crashCount: 0, sessionCount: 3, feedbackCount: 0 },
        },
      ]);
    });
  });

  describe('which testers appear', () => {
    it('lists installed testers, with zeros when idle in the window, and never the never-installed', async () => {
      await seedApp(harness.store, '100', [
        { id: 'busy', sessions: 5, crashes: 2, feedback: 1 },
        { id: 'idle', sessions: 7, day: '2021-01-01' },
        { id: 'invited', installed: false },
      ]);

      const body = await getUsages('groupBy=betaTesters');

      expect(body.data).toEqual([
        {
          type: 'appsBetaTesterUsages',
          dataPoints: [
            {
              start: '2022-10-05',
              end: '2023-10-05',
              values: { crashCount: 2, sessionCount: 5, feedbackCount: 1 },
            },
          ],
          dimensions: {
            betaTesters: {
              data: { type: 'betaTesters', id: 'busy' },
              links: {
                related: `${APPLE_BASE_URL}/v1/betaTesters/busy`,
                groupBy: `${BASE}?groupBy=betaTesters`,
              },
            },
          },
        },
        expect.objectContaining({
          dataPoints: [
            {
              start: '2022-10-05',
              end: '2023-10-05',
              values: { crashCount: 0, sessionCount: 0, feedbackCount: 0 },
            },
          ],
        }),
      ]);
      expect(idsOf(body)).toEqual(['busy', 'idle']);
      expect(body.meta).toEqual({ paging: { total: 2, limit: 50 } });
      expect(body.links.next).toBeUndefined();
    });

    it('orders testers by id, ascending', async () => {
      const ids = ['m', 'B', 'a', 'Z9', '0x', 'a0'];
      await seedApp(
        harness.store,
        '100',
        ids.map((id) => ({ id })),
      );

      const body = await getUsages('groupBy=betaTesters');

      expect(idsOf(body)).toEqual(['0x', 'B', 'Z9', 'a', 'a0', 'm']);
    });

    it('counts only this app’s usage for a tester of several apps', async () => {
      await seedApp(harness.store, '100', [{ id: 't', sessions: 1 }]);
      await seedApp(harness.store, '200', [{ id: 't', sessions: 9 }]);

      const body = await getUsages('groupBy=betaTesters');

      expect(body.data.map((item) => item.dataPoints[0]?.values.sessionCount)).toEqual([1]);
    });
  });

  describe('filter[betaTesters]', () => {
    beforeEach(async () => {
      await seedApp(harness.store, '100', [
        { id: 'a', sessions: 1 },
        { id: 'b', sessions: 2 },
        { id: 'invited', installed: false },
      ]);
    });

    it('gives the one installed tester, total 1', async () => {
      const body = await getUsages('filter[betaTesters]=b');

      expect(idsOf(body)).toEqual(['b']);
      expect(body.data[0]?.dataPoints[0]?.values.sessionCount).toBe(2);
      expect(body.meta).toEqual({ paging: { total: 1, limit: 50 } });
      expect(body.links.self).toBe(`${BASE}?filter%5BbetaTesters%5D=b`);
    });

    it.each(['unknown', 'invited'])('gives an empty page, not a 404, for %s', async (id) => {
      const body = await getUsages(`filter[betaTesters]=${id}`);

      expect(body.data).toEqual([]);
      expect(body.meta).toEqual({ paging: { total: 0, limit: 50 } });
    });

    it('works together with groupBy', async () => {
      const body = await getUsages('groupBy=betaTesters&filter%5BbetaTesters%5D=a');

      expect(idsOf(body)).toEqual(['a']);
      expect(body.meta.paging.total).toBe(1);
      expect(body.links.self).toBe(`${BASE}?groupBy=betaTesters&filter%5BbetaTesters%5D=a`);
    });
  });

  it('accepts groupBy given twice', async () => {
    await seedApp(harness.store, '100', [{ id: 'a' }, { id: 'b' }]);

    const body = await getUsages('groupBy=betaTesters&groupBy=betaTesters');

    expect(idsOf(body)).toEqual(['a', 'b']);
  });

  it('echoes the client’s parameters in the client’s order in self', async () => {
    await seedApp(harness.store, '100', [{ id: 'a' }]);

    const body = await getUsages('limit=7&period=P90D&filter[betaTesters]=a&groupBy=betaTesters');

    expect(body.links.self).toBe(
      `${BASE}?limit=7&period=PT2160H&filter%5BbetaTesters%5D=a&groupBy=betaTesters`,
    );
    expect(body.meta.paging.limit).toBe(7);
  });
});

describe('401', () => {
  it('answers a request without a token', async () => {
    await seedApp(harness.store, '100', [{ id: 'a' }]);
    expectErrors(await getWithoutToken(harness, `${PATH}?groupBy=betaTesters`), 401, [NOT_AUTHORIZED]);
  });
});

describe('403', () => {
  it('answers a SALES key', async () => {
    await seedApp(harness.store, '100', [{ id: 'a' }]);
    const sales = await harness.createKey('SALES');
    expectErrors(await getAs(harness, sales, `${PATH}?groupBy=betaTesters`), 403, [FORBIDDEN]);
  });
});

describe('404', () => {
  it('answers an unknown app id with NOT_FOUND', async () => {
    const response = await harness.get('/v1/apps/999/metrics/betaTesterUsages?groupBy=betaTesters');
    expectErrors(response, 404, [notFound('apps', '999')]);
  });
});

describe('429', () => {
  it('answers once the key’s hourly budget is spent', async () => {
    const limited = await createHarness({ rateLimit: 1 });
    try {
      await seedApp(limited.store, '100', [{ id: 'a' }]);
      expect((await limited.get(`${PATH}?groupBy=betaTesters`)).statusCode).toBe(200);

      const response = await limited.get(`${PATH}?groupBy=betaTesters`);

      expectErrors(response, 429, [RATE_LIMITED]);
      expect(response.headers['x-rate-limit']).toBe('user-hour-lim:1;user-hour-rem:0;');
    } finally {
      await limited.close();
    }
  });
});
