import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  allPages,
  expectErrors,
  getAs,
  illegal,
  invalid,
  invalidField,
  invalidFilter,
  notFound,
  type PagedBody,
  type ResourceItem,
  unservedType,
} from '../../../test/support/api-responses.js';
import { APPLE_BASE_URL, createHarness, type Harness, seedApp } from '../../../test/support/harness.js';

/** GET /v1/apps and GET /v1/apps/{id} (docs/apple-behavior.md, §8): where the metrics' app ids come from. */

let harness: Harness;
beforeAll(async () => {
  harness = await createHarness();
  for (const id of ['300', '100', '500', '200', '400']) await seedApp(harness.store, id, [{ id: `t${id}` }]);
});
afterAll(async () => {
  await harness.close();
});

async function list(query: string): Promise<PagedBody<ResourceItem>> {
  const response = await harness.get(query === '' ? '/v1/apps' : `/v1/apps?${query}`);
  expect(response.statusCode, response.body).toBe(200);
  expect(response.headers['content-type']).toBe('application/json');
  return response.json<PagedBody<ResourceItem>>();
}

/** The relationships of an app the TestFlight slice has paths for, as links. */
function appRelationships(id: string) {
  const links = (name: string) => ({
    links: {
      self: `${APPLE_BASE_URL}/v1/apps/${id}/relationships/${name}`,
      related: `${APPLE_BASE_URL}/v1/apps/${id}/${name}`,
    },
  });
  return Object.fromEntries(
    [
      'betaGroups',
      'preReleaseVersions',
      'builds',
      'betaFeedbackScreenshotSubmissions',
      'betaFeedbackCrashSubmissions',
    ].map((name) => [name, links(name)]),
  );
}

const ids = (body: PagedBody<ResourceItem>) => body.data.map((app) => app.id);

describe('200', () => {
  it('lists every app ordered by id, with self and paging', async () => {
    const body = await list('');

    expect(ids(body)).toEqual(['100', '200', '300', '400', '500']);
    expect(body.data[0]).toEqual({
      type: 'apps',
      id: '100',
      attributes: {
        name: 'App 100',
        bundleId: 'com.example.app100',
        sku: 'SKU100',
        primaryLocale: 'en-US',
        isOrEverWasMadeForKids: false,
        streamlinedPurchasingEnabled: false,
      },
      relationships: appRelationships('100'),
      links: { self: `${APPLE_BASE_URL}/v1/apps/100` },
    });
    expect(body.links).toEqual({ self: `${APPLE_BASE_URL}/v1/apps` });
    expect(body.meta).toEqual({ paging: { total: 5, limit: 50 } });
  });

  it('pages through links.next with limit', async () => {
    const pages = await allPages<ResourceItem>(harness, '/v1/apps?limit=2');

    expect(pages.map(ids)).toEqual([['100', '200'], ['300', '400'], ['500']]);
    expect(pages[0]?.links).toEqual({
      self: `${APPLE_BASE_URL}/v1/apps?limit=2`,
      next: expect.stringMatching(
        /^https:\/\/api\.appstoreconnect\.apple\.com\/v1\/apps\?cursor=[\w-]+\.[\w-]+&limit=2$/,
      ),
    });
    expect(pages.map((page) => page.meta)).toEqual(Array(3).fill({ paging: { total: 5, limit: 2 } }));
  });

  it('filters by id', async () => {
    const body = await list('filter[id]=400,100,999');

    expect(ids(body)).toEqual(['100', '400']);
    expect(body.meta.paging.total).toBe(2);
  });

  it('filters by bundle id', async () => {
    expect(ids(await list('filter%5BbundleId%5D=com.example.app300'))).toEqual(['300']);
    expect(ids(await list('filter[bundleId]=com.example.nothing'))).toEqual([]);
  });

  it('gives only the attributes fields[apps] asks for', async () => {
    const body = await list('fields[apps]=name');

    expect(body.data.map((app) => app.attributes)).toEqual(
      ['100', '200', '300', '400', '500'].map((id) => ({ name: `App ${id}` })),
    );
    expect(body.links.self).toBe(`${APPLE_BASE_URL}/v1/apps?fields%5Bapps%5D=name`);
  });

  it('reads one app', async () => {
    const response = await harness.get('/v1/apps/300');

    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      data: {
        type: 'apps',
        id: '300',
        attributes: {
          name: 'App 300',
          bundleId: 'com.example.app300',
          sku: 'SKU300',
          primaryLocale: 'en-US',
          isOrEverWasMadeForKids: false,
          streamlinedPurchasingEnabled: false,
        },
        relationships: appRelationships('300'),
        links: { self: `${APPLE_BASE_URL}/v1/apps/300` },
      },
      links: { self: `${APPLE_BASE_URL}/v1/apps/300` },
    });
  });

  it.each(['ADMIN', 'APP_MANAGER', 'DEVELOPER', 'MARKETING', 'SALES', 'FINANCE', 'CUSTOMER_SUPPORT'])(
    'lets a %s key list and read apps',
    async (role) => {
      const key = await harness.createKey(role);
      const listed = await getAs(harness, key, '/v1/apps');
      expect(listed.statusCode).toBe(200);
      expect(ids(listed.json<PagedBody<ResourceItem>>())).toHaveLength(5);
      expect((await getAs(harness, key, '/v1/apps/100')).statusCode).toBe(200);
    },
  );
});

describe('400', () => {
  it.each(['colour', 'limit[apps]'])('%s is PARAMETER_ERROR.ILLEGAL', async (name) => {
    expectErrors(await harness.get(`/v1/apps?${encodeURIComponent(name)}=name`), 400, [illegal(name)]);
  });

  it('an undeclared filter is not a valid filter type', async () => {
    expectErrors(await harness.get('/v1/apps?filter%5Bcolour%5D=red'), 400, [
      invalidFilter('filter[colour]'),
    ]);
  });

  it('include and fields of a type outside the TestFlight slice are refused as not served', async () => {
    expectErrors(await harness.get('/v1/apps?include=appStoreVersions'), 400, [
      unservedType('include', 'appStoreVersions', 'appStoreVersions'),
    ]);
    expectErrors(await harness.get('/v1/apps?fields%5BappInfos%5D=app'), 400, [
      unservedType('fields[appInfos]', 'appInfos', 'appInfos'),
    ]);
  });

  it('limit=0 is PARAMETER_ERROR.INVALID', async () => {
    expectErrors(await harness.get('/v1/apps?limit=0'), 400, [invalid('limit', '0')]);
  });

  it('an unknown field is PARAMETER_ERROR.INVALID', async () => {
    expectErrors(await harness.get('/v1/apps?fields[apps]=colour'), 400, [
      invalidField('fields[apps]', 'colour'),
    ]);
  });

  it('a parameter of the list is ILLEGAL on one app', async () => {
    expectErrors(await harness.get('/v1/apps/100?limit=1'), 400, [illegal('limit')]);
  });
});

describe('404', () => {
  it('answers an unknown app id with NOT_FOUND', async () => {
    expectErrors(await harness.get('/v1/apps/999'), 404, [notFound('apps', '999')]);
  });

  it('checks the app before the parameters', async () => {
    expectErrors(await harness.get('/v1/apps/999?sort=name'), 404, [notFound('apps', '999')]);
  });

  it('answers an id far longer than any real one with NOT_FOUND, not PATH_ERROR', async () => {
    const id = '7'.repeat(300);
    expectErrors(await harness.get(`/v1/apps/${id}`), 404, [notFound('apps', id)]);
  });
});
