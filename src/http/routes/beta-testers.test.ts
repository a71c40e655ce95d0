import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  allPages,
  expectErrors,
  FORBIDDEN,
  getAs,
  illegal,
  invalid,
  localUrl,
  notFound,
  type PagedBody,
  type ResourceItem,
  type UsageItem,
} from '../../../test/support/api-responses.js';
import { APPLE_BASE_URL, createHarness, type Harness, seedApp } from '../../../test/support/harness.js';

/** GET /v1/betaTesters and GET /v1/betaTesters/{id}, where the metrics' `links.related` point (§8). */

let harness: Harness;
beforeAll(async () => {
  harness = await createHarness();
  await seedApp(harness.store, '100', [
    { id: 'x2' },
    { id: 's' },
    { id: 'x1' },
    { id: 'x3', installed: false },
  ]);
  // `s` has installed app 100 but is only invited to app 200.
  await seedApp(harness.store, '200', [{ id: 's', installed: false }, { id: 'y1' }]);
});
afterAll(async () => {
  await harness.close();
});

async function list(query: string): Promise<PagedBody<ResourceItem>> {
  const response = await harness.get(query === '' ? '/v1/betaTesters' : `/v1/betaTesters?${query}`);
  expect(response.statusCode, response.body).toBe(200);
  return response.json<PagedBody<ResourceItem>>();
}

const ids = (body: PagedBody<ResourceItem>) => body.data.map((tester) => tester.id);
const states = (body: PagedBody<ResourceItem>) =>
  Object.fromEntries(body.data.map((tester) => [tester.id, tester.attributes.state]));

describe('200', () => {
  it('lists every tester ordered by id, with self and paging', async () => {
    const body = await list('');

    expect(ids(body)).toEqual(['s', 'x1', 'x2', 'x3', 'y1']);
    expect(body.data[3]).toEqual({
      type: 'betaTesters',
      id: 'x3',
      attributes: {
        firstName: 'Test',
        lastName: 'x3',
        email: 'x3@example.com',
        inviteType: 'EMAIL',
        state: 'INVITED',
      },
      relationships: Object.fromEntries(
        ['apps', 'betaGroups', 'builds'].map((name) => [
          name,
          {
            links: {
              self: `${APPLE_BASE_URL}/v1/betaTesters/x3/relationships/${name}`,
              related: `${APPLE_BASE_URL}/v1/betaTesters/x3/${name}`,
            },
          },
        ]),
      ),
      links: { self: `${APPLE_BASE_URL}/v1/betaTesters/x3` },
    });
    expect(body.links).toEqual({ self: `${APPLE_BASE_URL}/v1/betaTesters` });
    expect(body.meta).toEqual({ paging: { total: 5, limit: 50 } });
  });

  it('filter[apps] lists that app’s testers with their state in that app', async () => {
    const inApp200 = await list('filter[apps]=200');
    expect(states(inApp200)).toEqual({ s: 'INVITED', y1: 'INSTALLED' });
    expect(inApp200.meta.paging.total).toBe(2);
    expect(inApp200.links.self).toBe(`${APPLE_BASE_URL}/v1/betaTesters?filter%5Bapps%5D=200`);

    expect(states(await list('filter[apps]=100'))).toEqual({
      s: 'INSTALLED',
      x1: 'INSTALLED',
      x2: 'INSTALLED',
      x3: 'INVITED',
    });
  });

  it('filter[email] ignores case', async () => {
    expect(ids(await list('filter[email]=X1@Example.COM'))).toEqual(['x1']);
    expect(ids(await list('filter[email]=y1@EXAMPLE.com,S@example.com'))).toEqual(['s', 'y1']);
  });

  it('filter[id] lists those testers', async () => {
    expect(ids(await list('filter[id]=y1,x2,nobody'))).toEqual(['x2', 'y1']);
  });

  it('pages through links.next with limit to the end', async () => {
    const pages = await allPages<ResourceItem>(harness, '/v1/betaTesters?limit=2');

    expect(pages.map(ids)).toEqual([['s', 'x1'], ['x2', 'x3'], ['y1']]);
    expect(pages.map((page) => page.meta.paging)).toEqual(Array(3).fill({ total: 5, limit: 2 }));
    expect(pages.at(-1)?.links.next).toBeUndefined();
  });

  it('pages a filtered list, keeping the filter in next', async () => {
    const pages = await allPages<ResourceItem>(harness, '/v1/betaTesters?filter[apps]=100&limit=3');

    expect(pages.map(ids)).toEqual([['s', 'x1', 'x2'], ['x3']]);
    expect(pages[0]?.links.next).toMatch(/\?cursor=[\w-]+\.[\w-]+&filter%5Bapps%5D=100&limit=3$/);
  });

  it('gives only the attributes fields[betaTesters] asks for', async () => {
    const body = await list('fields[betaTesters]=email');
    expect(body.data.map((tester) => tester.attributes)).toEqual(
      ['s', 'x1', 'x2', 'x3', 'y1'].map((id) => ({ email: `${id}@example.com` })),
    );
  });

  it('resolves every links.related of a metrics answer', async () => {
    const metrics = await harness.get('/v1/apps/100/metrics/betaTesterUsages?groupBy=betaTesters');
    const items = metrics.json<PagedBody<UsageItem>>().data;
    expect(items).toHaveLength(3);

    for (const item of items) {
      const { related } = item.dimensions.betaTesters.links;
      const response = await harness.get(localUrl(related));
      expect(response.statusCode, related).toBe(200);
      const { data, links } = response.json<{ data: ResourceItem; links: { self: string } }>();
      expect(data.type).toBe('betaTesters');
      expect(data.id).toBe(item.dimensions.betaTesters.data.id);
      expect(data.attributes.state).toBe('INSTALLED');
      expect(links.self).toBe(related);
    }
  });

  it('reads one tester with fields[betaTesters]', async () => {
    const response = await harness.get('/v1/betaTesters/y1?fields[betaTesters]=firstName,state');
    expect(response.json<{ data: ResourceItem }>().data.attributes).toEqual({
      firstName: 'Test',
      state: 'INSTALLED',
    });
  });
});

describe('400', () => {
  it.each(['foo', 'limit[colour]'])('%s is PARAMETER_ERROR.ILLEGAL', async (name) => {
    const response = await harness.get(`/v1/betaTesters?${encodeURIComponent(name)}=x`);
    expectErrors(response, 400, [illegal(name)]);
  });

  it('an unknown parameter is ILLEGAL on one tester too', async () => {
    expectErrors(await harness.get('/v1/betaTesters/x1?limit=2'), 400, [illegal('limit')]);
  });

  it('a sort key outside the spec is INVALID', async () => {
    expectErrors(await harness.get('/v1/betaTesters?sort=colour'), 400, [invalid('sort', 'colour')]);
  });

  it('limit=201 is PARAMETER_ERROR.INVALID', async () => {
    expectErrors(await harness.get('/v1/betaTesters?limit=201'), 400, [invalid('limit', '201')]);
  });
});

describe('403', () => {
  it('answers a SALES key on the list and on one tester', async () => {
    const sales = await harness.createKey('SALES');
    expectErrors(await getAs(harness, sales, '/v1/betaTesters'), 403, [FORBIDDEN]);
    expectErrors(await getAs(harness, sales, '/v1/betaTesters/x1'), 403, [FORBIDDEN]);
  });
});

describe('404', () => {
  it('answers an unknown tester id with NOT_FOUND', async () => {
    expectErrors(await harness.get('/v1/betaTesters/nobody'), 404, [notFound('betaTesters', 'nobody')]);
  });

  it('checks the tester before the key’s role and the parameters', async () => {
    const sales = await harness.createKey('SALES');
    const response = await getAs(harness, sales, '/v1/betaTesters/nobody?sort=email');
    expectErrors(response, 404, [notFound('betaTesters', 'nobody')]);
  });
});
