import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  expectErrors,
  FORBIDDEN,
  getAs,
  getWithoutToken,
  illegal,
  invalid,
  NOT_AUTHORIZED,
  notFound,
  type PagedBody,
  PATH_ERROR,
  RATE_LIMITED,
  REQUIRED,
  type UsageItem,
} from '../../../test/support/api-responses.js';
import { createHarness, type Harness, seedApp } from '../../../test/support/harness.js';

/**
 * The parameter rules of docs/apple-behavior.md, §2, one at a time and together, and which error wins when a request
 * is wrong in several ways (§4). Cursors: beta-tester-usages-paging.test.ts.
 */

const PATH = '/v1/apps/100/metrics/betaTesterUsages';

let harness: Harness;
beforeAll(async () => {
  harness = await createHarness();
  await seedApp(harness.store, '100', [{ id: 'a' }, { id: 'b' }]);
});
afterAll(async () => {
  await harness.close();
});

const get = (query: string) => harness.get(`${PATH}?${query}`);

describe('200', () => {
  it.each(['P7D', 'P30D', 'P90D', 'P365D'])('accepts period=%s', async (period) => {
    expect((await get(`groupBy=betaTesters&period=${period}`)).statusCode).toBe(200);
  });

  it.each([
    ['PT168H', '2023-09-28'],
    ['PT720H', '2023-09-05'],
    ['PT2160H', '2023-07-07'],
    ['PT8760H', '2022-10-05'],
  ])('accepts period=%s, as links write it, for the same window', async (period, start) => {
    const response = await get(`groupBy=betaTesters&period=${period}`);
    expect(response.statusCode).toBe(200);
    const body = response.json<PagedBody<UsageItem>>();
    expect(body.data[0]?.dataPoints[0]?.start).toBe(start);
    expect(body.links.self).toMatch(new RegExp(`\\?groupBy=betaTesters&period=${period}$`));
  });

  it.each(['1', '200', '50'])('accepts limit=%s and applies it', async (limit) => {
    const response = await get(`groupBy=betaTesters&limit=${limit}`);
    expect(response.statusCode).toBe(200);
    expect(response.json<PagedBody<UsageItem>>().meta.paging.limit).toBe(Number(limit));
  });
});

describe('400', () => {
  // PT168H is P7D as `links.self` and `next` write it, so it is accepted (see 200); these are not.
  it.each(['P1D', 'p7d', 'PT24H', 'PT169H', 'pt168h', 'P365', ''])(
    'period=%j is PARAMETER_ERROR.INVALID',
    async (value) => {
      expectErrors(await get(`groupBy=betaTesters&period=${value}`), 400, [invalid('period', value)]);
    },
  );

  it.each(['apps', 'betaTesters,apps', ''])('groupBy=%j is PARAMETER_ERROR.INVALID', async (value) => {
    expectErrors(await get(`groupBy=${encodeURIComponent(value)}`), 400, [invalid('groupBy', value)]);
  });

  it.each(['0', '201', '-1', '1.5', 'abc', ''])('limit=%j is PARAMETER_ERROR.INVALID', async (value) => {
    expectErrors(await get(`groupBy=betaTesters&limit=${value}`), 400, [invalid('limit', value)]);
  });

  it('an empty filter[betaTesters] is PARAMETER_ERROR.INVALID', async () => {
    expectErrors(await get('filter[betaTesters]='), 400, [invalid('filter[betaTesters]', '')]);
  });

  it.each([
    ['no parameter', ''],
    ['limit alone', 'limit=5'],
    ['period alone', 'period=P7D'],
    ['period and limit', 'period=P30D&limit=10'],
  ])('%s is PARAMETER_ERROR.REQUIRED', async (_case, query) => {
    const response = await harness.get(query === '' ? PATH : `${PATH}?${query}`);
    expectErrors(response, 400, [REQUIRED]);
  });

  it.each(['include', 'sort', 'fields[betaTesters]', 'foo', 'filter[apps]'])(
    '%s is PARAMETER_ERROR.ILLEGAL',
    async (name) => {
      const response = await get(`groupBy=betaTesters&${encodeURIComponent(name)}=x`);
      expectErrors(response, 400, [illegal(name)]);
    },
  );

  it('reads a bracketed name the same whether or not the client percent-encoded it', async () => {
    expectErrors(await get('groupBy=betaTesters&fields[betaTesters]=email'), 400, [
      illegal('fields[betaTesters]'),
    ]);
  });

  it('reports every problem, one error each, in the client’s order', async () => {
    const response = await get('limit=0&groupBy=apps&sort=id&period=P1D&foo=1');
    expectErrors(response, 400, [
      invalid('limit', '0'),
      invalid('groupBy', 'apps'),
      illegal('sort'),
      invalid('period', 'P1D'),
      illegal('foo'),
    ]);
  });

  it('reports a missing groupBy and filter[betaTesters] together with the other problems', async () => {
    const response = await get('limit=abc&include=apps');
    expectErrors(response, 400, [invalid('limit', 'abc'), illegal('include'), REQUIRED]);
  });
});

describe('order of checks: 401 -> 404 PATH_ERROR -> 429 -> 404 resource -> 403 -> 400', () => {
  const BAD_PARAMETERS = 'limit=0&period=P1D&foo=1';

  it('the bad parameters alone: 400 (control)', async () => {
    expect((await get(BAD_PARAMETERS)).statusCode).toBe(400);
  });

  it('no token on an unknown app with bad parameters: 401', async () => {
    const response = await getWithoutToken(
      harness,
      `/v1/apps/999/metrics/betaTesterUsages?${BAD_PARAMETERS}`,
    );
    expectErrors(response, 401, [NOT_AUTHORIZED]);
  });

  it('unknown app with bad parameters: 404', async () => {
    const response = await harness.get(`/v1/apps/999/metrics/betaTesterUsages?${BAD_PARAMETERS}`);
    expectErrors(response, 404, [notFound('apps', '999')]);
  });

  it('SALES key with bad parameters on an existing app: 403', async () => {
    const sales = await harness.createKey('SALES');
    expectErrors(await getAs(harness, sales, `${PATH}?${BAD_PARAMETERS}`), 403, [FORBIDDEN]);
  });

  it('SALES key on an unknown app: 404', async () => {
    const sales = await harness.createKey('SALES');
    const response = await getAs(harness, sales, '/v1/apps/999/metrics/betaTesterUsages?groupBy=betaTesters');
    expectErrors(response, 404, [notFound('apps', '999')]);
  });

  it('no token on an unknown path: 401', async () => {
    expectErrors(await getWithoutToken(harness, '/v1/nothing/here'), 401, [NOT_AUTHORIZED]);
  });

  describe('with the budget spent', () => {
    let limited: Harness;
    beforeEach(async () => {
      limited = await createHarness({ rateLimit: 1 });
      await seedApp(limited.store, '100', [{ id: 'a' }]);
      expect((await limited.get(`${PATH}?groupBy=betaTesters`)).statusCode).toBe(200);
    });
    afterEach(async () => {
      await limited.close();
    });

    it('unknown app: 429', async () => {
      const response = await limited.get('/v1/apps/999/metrics/betaTesterUsages?groupBy=betaTesters');
      expectErrors(response, 429, [RATE_LIMITED]);
    });

    it('SALES key with bad parameters: 429', async () => {
      const sales = await limited.createKey('SALES');
      expect((await getAs(limited, sales, `${PATH}?groupBy=betaTesters`)).statusCode).toBe(403);
      expectErrors(await getAs(limited, sales, `${PATH}?${BAD_PARAMETERS}`), 429, [RATE_LIMITED]);
    });

    it('unknown path: 404 PATH_ERROR', async () => {
      expectErrors(await limited.get('/v1/nothing/here'), 404, [PATH_ERROR]);
    });
  });
});
