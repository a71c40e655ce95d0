import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import { createHarness, type Harness } from '../../../test/support/harness.js';
import type { JournalEntry } from '../../services/request-journal.js';

/** GET and DELETE /_beta-metrics/journal: who may, the filters, paging by `since`, clearing. */

let harness: Harness;
beforeEach(async () => {
  harness = await createHarness();
});
afterEach(async () => {
  await harness.close();
});

interface JournalBody {
  data: JournalEntry[];
  meta: { nextSince: number };
}

async function read(query = ''): Promise<JournalBody> {
  const response = await harness.get(`/_beta-metrics/journal${query}`);
  expect(response.statusCode, response.body).toBe(200);
  expect(response.headers['content-type']).toBe('application/json');
  return response.json<JournalBody>();
}

/** Requests of two keys: seq 1..5. */
async function traffic(): Promise<{ developer: string }> {
  const developer = await harness.createKey('DEVELOPER');
  const asDeveloper = { authorization: `Bearer ${await harness.token(developer)}` };
  await harness.get('/v1/apps'); // 1: ADMIN, 200
  await harness.get('/v1/apps/nope'); // 2: ADMIN, 404
  await harness.get('/v1/apps', asDeveloper); // 3: DEVELOPER, 200
  await harness.get('/v1/betaTesters?limit=1', asDeveloper); // 4: DEVELOPER, 200
  await harness.app.inject({ method: 'DELETE', url: '/v1/apps', headers: asDeveloper }); // 5: 405
  return { developer: developer.keyId };
}

/** Apple's ErrorResponse with one error of `code`. */
function expectAppleError(response: LightMyRequestResponse, status: number, code: string): void {
  expect(response.statusCode, response.body).toBe(status);
  expect(response.json<{ errors: Array<{ code: string; status: string }> }>().errors).toMatchObject([
    { code, status: String(status) },
  ]);
}

const seqs = (body: JournalBody) => body.data.map((entry) => entry.seq);

describe('GET /_beta-metrics/journal', () => {
  it('answers every entry, newest last, with nextSince', async () => {
    await traffic();
    const body = await read();
    expect(seqs(body)).toEqual([1, 2, 3, 4, 5]);
    expect(body.meta).toEqual({ nextSince: 5 });
    expect(body.data[4]).toMatchObject({ method: 'DELETE', status: 405, errorCodes: ['METHOD_NOT_ALLOWED'] });
    expect(body.data[4]?.operation).toBeUndefined();
  });

  it('filters by operation, key id, status and method, lists matching any, parameters all', async () => {
    const { developer } = await traffic();
    expect(seqs(await read('?operation=apps_getCollection'))).toEqual([1, 3]);
    expect(seqs(await read('?operation=apps_getInstance,betaTesters_getCollection'))).toEqual([2, 4]);
    expect(seqs(await read(`?keyId=${developer}`))).toEqual([3, 4, 5]);
    expect(seqs(await read(`?keyId=${developer},${harness.admin.keyId}&status=200`))).toEqual([1, 3, 4]);
    expect(seqs(await read('?status=404,405'))).toEqual([2, 5]);
    expect(seqs(await read(`?operation=apps_getCollection&keyId=${developer}`))).toEqual([3]);
    expect(seqs(await read('?method=DELETE'))).toEqual([5]);
    expect(seqs(await read('?status=429'))).toEqual([]);
  });

  it('pages: the newest `limit` without since, the oldest after since with it', async () => {
    await traffic();
    expect(await read('?limit=2')).toMatchObject({ meta: { nextSince: 5 } });
    expect(seqs(await read('?limit=2'))).toEqual([4, 5]);
    const first = await read('?since=1&limit=2');
    expect(seqs(first)).toEqual([2, 3]);
    const second = await read(`?since=${first.meta.nextSince}&limit=2`);
    expect(seqs(second)).toEqual([4, 5]);
    const third = await read(`?since=${second.meta.nextSince}&limit=2`);
    expect(third).toEqual({ data: [], meta: { nextSince: 5 } });
    await harness.get('/v1/apps');
    expect(seqs(await read(`?since=${third.meta.nextSince}`))).toEqual([6]);
  });

  it('answers 400 for unknown filter values and parameters, as the API does', async () => {
    const problems = async (query: string) => {
      const response = await harness.get(`/_beta-metrics/journal${query}`);
      expect(response.statusCode, query).toBe(400);
      return response.json<{
        errors: Array<{ code: string; source?: { parameter: string }; detail: string }>;
      }>().errors;
    };
    const [operation] = await problems('?operation=apps_getColection');
    expect(operation).toMatchObject({ code: 'PARAMETER_ERROR.INVALID', source: { parameter: 'operation' } });
    expect(operation?.detail).toContain(
      'apps_betaTesterUsages_getMetrics, apps_betaTesters_deleteToManyRelationship',
    );
    expect(operation?.detail).toContain('betaTesters_createInstance');
    expect(operation?.detail).toContain('builds_preReleaseVersion_getToOneRelated');
    expect(operation?.detail).toContain('ingestEvents_create');
    expect((await problems('?status=abc,200&method=get&since=-1&limit=1001')).map((e) => e.source)).toEqual([
      { parameter: 'status' },
      { parameter: 'method' },
      { parameter: 'since' },
      { parameter: 'limit' },
    ]);
    expect((await problems('?keyId=')).map((e) => e.code)).toEqual(['PARAMETER_ERROR.INVALID']);
    expect((await problems('?sort=seq')).map((e) => e.code)).toEqual(['PARAMETER_ERROR.ILLEGAL']);
    expect(seqs(await read('?limit=1000&since=0'))).toEqual([]);
  });

  it('is refused without a token (401) and to keys other than ADMIN (403)', async () => {
    const unsigned = await harness.app.inject({ method: 'GET', url: '/_beta-metrics/journal' });
    expectAppleError(unsigned, 401, 'NOT_AUTHORIZED');
    for (const role of ['DEVELOPER', 'APP_MANAGER', 'SALES']) {
      const key = await harness.createKey(role);
      const response = await harness.get('/_beta-metrics/journal', {
        authorization: `Bearer ${await harness.token(key)}`,
      });
      expectAppleError(response, 403, 'FORBIDDEN_ERROR');
      const cleared = await harness.app.inject({
        method: 'DELETE',
        url: '/_beta-metrics/journal',
        headers: { authorization: `Bearer ${await harness.token(key)}` },
      });
      expectAppleError(cleared, 403, 'FORBIDDEN_ERROR');
    }
  });

  it('answers 405 with Allow for other methods', async () => {
    const response = await harness.app.inject({
      method: 'POST',
      url: '/_beta-metrics/journal',
      headers: { authorization: `Bearer ${await harness.token()}` },
    });
    expectAppleError(response, 405, 'METHOD_NOT_ALLOWED');
    expect(response.headers.allow).toBe('GET, HEAD, DELETE');
  });
});

describe('DELETE /_beta-metrics/journal', () => {
  it('clears it; numbers go on', async () => {
    await traffic();
    const response = await harness.app.inject({
      method: 'DELETE',
      url: '/_beta-metrics/journal',
      headers: { authorization: `Bearer ${await harness.token()}` },
    });
    expect(response.statusCode).toBe(204);
    expect(response.body).toBe('');
    expect(await read()).toEqual({ data: [], meta: { nextSince: 5 } });
    await harness.get('/v1/apps');
    expect(seqs(await read())).toEqual([6]);
  });
});
