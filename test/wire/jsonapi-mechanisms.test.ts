import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CreatedApiKey } from '../../src/services/api-keys.js';
import { APPLE_BASE_URL, createHarness, type Harness } from '../support/harness.js';
import { seedTestflightFixture } from '../support/testflight-fixture.js';
import { specReads } from '../support/testflight-reads.js';

/**
 * Each JSON:API mechanism as Apple applies it (docs/apple-behavior.md, §9), once, on a resource of the fixture
 * (test/support/testflight-fixture.ts) that has it.
 */

interface Identifier {
  type: string;
  id: string;
}
interface Resource extends Identifier {
  attributes: Record<string, unknown>;
  relationships?: Record<
    string,
    { data?: Identifier | Identifier[] | null; links?: Record<string, string>; meta?: unknown }
  >;
}
interface Document {
  data: Resource | Resource[] | Identifier | Identifier[] | null;
  included?: Resource[];
  links: { self: string; next?: string };
  meta?: { paging: { total: number; limit: number } };
}
interface ErrorBody {
  errors: Array<{
    status: string;
    code: string;
    title: string;
    detail: string;
    source?: { parameter?: string };
  }>;
}

let harness: Harness;
let sales: CreatedApiKey;
beforeAll(async () => {
  harness = await createHarness({ rateLimit: 0 });
  await seedTestflightFixture(harness.location.location);
  sales = await harness.createKey('SALES');
});
afterAll(async () => {
  await harness?.close();
});

async function read(url: string, key?: CreatedApiKey): Promise<Document> {
  const response = await harness.get(
    url,
    key === undefined ? {} : { authorization: `Bearer ${await harness.token(key)}` },
  );
  expect(response.statusCode, response.body).toBe(200);
  return response.json<Document>();
}

async function refused(
  url: string,
  status: number,
  key?: CreatedApiKey,
): Promise<ErrorBody['errors'][number]> {
  const response = await harness.get(
    url,
    key === undefined ? {} : { authorization: `Bearer ${await harness.token(key)}` },
  );
  expect(response.statusCode, response.body).toBe(status);
  const [first] = response.json<ErrorBody>().errors;
  if (first === undefined) throw new Error('an error body without errors');
  return first;
}

const many = (document: Document): Resource[] => document.data as Resource[];
const one = (document: Document): Resource => document.data as Resource;
const idsOf = (document: Document): string[] => many(document).map((resource) => resource.id);

/** Follows `next` links from `url` and answers every id seen, page by page. */
async function allPages(url: string): Promise<string[][]> {
  const pages: string[][] = [];
  let next: string | undefined = url;
  while (next !== undefined) {
    const document = await read(next);
    pages.push(idsOf(document));
    next = document.links.next?.slice(APPLE_BASE_URL.length);
    if (pages.length > 20) throw new Error('paging does not end');
  }
  return pages;
}

describe('sparse fieldsets', () => {
  it('show only the fields asked for, on primary and included resources alike', async () => {
    const document = await read(
      '/v1/builds/b1?fields[builds]=version,preReleaseVersion&include=preReleaseVersion&fields[preReleaseVersions]=version',
    );
    const build = one(document);
    expect(Object.keys(build.attributes)).toEqual(['version']);
    expect(Object.keys(build.relationships ?? {})).toEqual(['preReleaseVersion']);
    expect(document.included).toEqual([
      { type: 'preReleaseVersions', id: 'p1', attributes: { version: '1.0' }, links: expect.any(Object) },
    ]);
  });
});

describe('include', () => {
  it('is a compound document: linkage on each primary resource, each included resource once', async () => {
    const document = await read('/v1/builds?filter[app]=a1&include=preReleaseVersion');
    expect(many(document).map((build) => build.relationships?.preReleaseVersion?.data)).toEqual([
      { type: 'preReleaseVersions', id: 'p1' },
      { type: 'preReleaseVersions', id: 'p2' },
      { type: 'preReleaseVersions', id: 'p2' },
    ]);
    expect(document.included?.map((resource) => `${resource.type}/${resource.id}`)).toEqual([
      'preReleaseVersions/p1',
      'preReleaseVersions/p2',
    ]);
  });

  it('gives to-many linkage meta.paging, bounded by limit[rel] up to the maximum the spec declares', async () => {
    const all = await read('/v1/betaGroups?filter[app]=a1&include=betaTesters');
    expect(many(all).map((group) => group.relationships?.betaTesters)).toMatchObject([
      {
        data: [
          { type: 'betaTesters', id: 't1' },
          { type: 'betaTesters', id: 't2' },
        ],
        meta: { paging: { total: 2 } },
      },
      { data: [{ type: 'betaTesters', id: 't1' }], meta: { paging: { total: 1 } } },
    ]);
    const limited = await read('/v1/betaGroups?filter[app]=a1&include=betaTesters&limit[betaTesters]=1');
    expect(many(limited).map((group) => group.relationships?.betaTesters)).toMatchObject([
      { data: [{ type: 'betaTesters', id: 't1' }], meta: { paging: { total: 2, limit: 1 } } },
      { data: [{ type: 'betaTesters', id: 't1' }], meta: { paging: { total: 1, limit: 1 } } },
    ]);
    expect(limited.included?.map((resource) => resource.id)).toEqual(['t1']);

    const maximum = specReads()
      .find((operation) => operation.path === '/v1/betaGroups')
      ?.parameters.find((parameter) => parameter.name === 'limit[betaTesters]')?.maximum;
    expect(maximum).toBe(50);
    await read(`/v1/betaGroups?include=betaTesters&limit[betaTesters]=${maximum}`);
    const tooMany = await refused(
      `/v1/betaGroups?include=betaTesters&limit[betaTesters]=${Number(maximum) + 1}`,
      400,
    );
    expect(tooMany).toMatchObject({
      code: 'PARAMETER_ERROR.INVALID',
      source: { parameter: 'limit[betaTesters]' },
    });
  });

  it('without include, a relationship carries links and no data', async () => {
    const build = one(await read('/v1/builds/b1'));
    expect(build.relationships?.app).toEqual({
      links: {
        self: `${APPLE_BASE_URL}/v1/builds/b1/relationships/app`,
        related: `${APPLE_BASE_URL}/v1/builds/b1/app`,
      },
    });
  });
});

describe('sort', () => {
  it('each direction, ties broken by id', async () => {
    expect(idsOf(await read('/v1/builds?sort=uploadedDate'))).toEqual(['b1', 'b2', 'b3', 'b4']);
    expect(idsOf(await read('/v1/builds?sort=-uploadedDate'))).toEqual(['b4', 'b2', 'b3', 'b1']);
    expect(idsOf(await read('/v1/builds?sort=-version,uploadedDate'))).toEqual(['b3', 'b2', 'b1', 'b4']);
  });

  it('cursor paging under a sort never skips or repeats', async () => {
    for (const sort of ['uploadedDate', '-uploadedDate', 'preReleaseVersion', '-preReleaseVersion']) {
      const whole = idsOf(await read(`/v1/builds?sort=${sort}`));
      const pages = await allPages(`/v1/builds?sort=${sort}&limit=1`);
      expect(pages.every((page) => page.length === 1)).toBe(true);
      expect(pages.flat()).toEqual(whole);
    }
    expect((await allPages('/v1/builds?sort=-uploadedDate&limit=3')).flat()).toEqual([
      'b4',
      'b2',
      'b3',
      'b1',
    ]);
  });
});

describe('filters', () => {
  it('comma values are OR, different filters AND, dotted paths reach related resources', async () => {
    expect(idsOf(await read('/v1/builds?filter[version]=1,2'))).toEqual(['b1', 'b2', 'b4']);
    expect(idsOf(await read('/v1/builds?filter[version]=1,2&filter[app]=a1'))).toEqual(['b1', 'b2']);
    expect(idsOf(await read('/v1/builds?filter[preReleaseVersion.version]=1.1'))).toEqual(['b2', 'b3']);
    expect(idsOf(await read('/v1/builds?filter[expired]=true'))).toEqual(['b2']);
    expect(idsOf(await read('/v1/betaTesters?filter[email]=ADA@example.com'))).toEqual(['t1']);
    const paged = await read('/v1/builds?filter[version]=1,2&limit=2');
    expect(paged.meta?.paging).toEqual({ total: 3, limit: 2 });
  });

  it('exists[] keeps the resources that have (or have not) a value', async () => {
    expect(idsOf(await read('/v1/builds?exists[usesNonExemptEncryption]=true'))).toEqual(['b1']);
    expect(idsOf(await read('/v1/builds?exists[usesNonExemptEncryption]=false'))).toEqual(['b2', 'b3', 'b4']);
    // Nothing outside the slice exists here.
    expect(idsOf(await read('/v1/apps?exists[gameCenterEnabledVersions]=true'))).toEqual([]);
    expect(idsOf(await read('/v1/apps?exists[gameCenterEnabledVersions]=false'))).toEqual(['a1', 'a2', 'a3']);
  });
});

describe('errors with Apple texts', () => {
  it.each([
    ['/v1/builds?filter[nope]=1', 'filter[nope]', "'nope' is not a valid filter type"],
    ['/v1/builds?fields[builds]=version,nope', 'fields[builds]', "'nope' is not a valid field name"],
    ['/v1/builds?foo=1', 'foo', "The parameter 'foo' can not be used with this request"],
    [
      '/v1/builds?include=appStoreVersion',
      'include',
      "'appStoreVersion' is of type 'appStoreVersions', which beta-metrics does not serve: it serves the TestFlight resources only",
    ],
  ])('%s', async (url, parameter, detail) => {
    const error = await refused(url, 400);
    expect(error.detail).toBe(detail);
    expect(error.source).toEqual({ parameter });
  });

  it('checks 404, then 403, then 400 on instance and related paths', async () => {
    for (const path of [
      '/v1/builds/ID',
      '/v1/apps/ID/builds',
      '/v1/builds/ID/relationships/app',
      '/v1/builds/ID/app',
    ]) {
      const id = path.startsWith('/v1/apps') ? 'a1' : 'b1';
      expect((await refused(`${path.replace('ID', 'zz')}?foo=1`, 404, sales)).detail).toMatch(
        /There is no resource of type '\w+' with id 'zz'/,
      );
      expect((await refused(`${path.replace('ID', id)}?foo=1`, 403, sales)).code).toBe('FORBIDDEN_ERROR');
      expect((await refused(`${path.replace('ID', id)}?foo=1`, 400)).code).toBe('PARAMETER_ERROR.ILLEGAL');
    }
    // An app is readable by every role: its parameters come next.
    expect((await refused('/v1/apps/a1?foo=1', 400, sales)).code).toBe('PARAMETER_ERROR.ILLEGAL');
  });
});

describe('relationship endpoints', () => {
  it('to-many: linkage only, paged', async () => {
    const document = await read('/v1/apps/a1/relationships/builds');
    expect(document.data).toEqual([
      { type: 'builds', id: 'b1' },
      { type: 'builds', id: 'b2' },
      { type: 'builds', id: 'b3' },
    ]);
    expect(document.meta?.paging).toEqual({ total: 3, limit: 50 });
    expect(document.links.self).toBe(`${APPLE_BASE_URL}/v1/apps/a1/relationships/builds`);
    expect(await allPages('/v1/apps/a1/relationships/builds?limit=2')).toEqual([['b1', 'b2'], ['b3']]);
  });

  it('to-one: one identifier, or null', async () => {
    expect((await read('/v1/builds/b1/relationships/preReleaseVersion')).data).toEqual({
      type: 'preReleaseVersions',
      id: 'p1',
    });
    expect((await read('/v1/builds/b4/relationships/preReleaseVersion')).data).toBeNull();
    expect((await read('/v1/builds/b4/preReleaseVersion')).data).toBeNull();
  });
});
