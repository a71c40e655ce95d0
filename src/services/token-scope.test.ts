import { describe, expect, it } from 'vitest';
import { scopeAllows } from './token-scope.js';
import type { RequestTarget } from './token-verifier.js';

const METRICS = '/v1/apps/6447306070/metrics/betaTesterUsages';

function get(path: string, query: Array<[string, string]> = []): RequestTarget {
  return { method: 'GET', path, query };
}

describe('method and path', () => {
  it('an entry with the same method and path allows the request', () => {
    expect(scopeAllows(['GET /v1/apps'], get('/v1/apps'))).toBe(true);
  });

  it('another method refuses, and the method is compared exactly', () => {
    expect(scopeAllows(['POST /v1/apps'], get('/v1/apps'))).toBe(false);
    expect(scopeAllows(['get /v1/apps'], get('/v1/apps'))).toBe(false);
    expect(scopeAllows(['GET /v1/apps'], { ...get('/v1/apps'), method: 'DELETE' })).toBe(false);
  });

  it.each([
    ['a sub-resource', '/v1/apps/6447306070'],
    ['a trailing slash', '/v1/apps/'],
    ['a prefix', '/v1/app'],
    ['another case', '/v1/Apps'],
  ])('a path differing by %s refuses', (_label, path) => {
    expect(scopeAllows(['GET /v1/apps'], get(path))).toBe(false);
  });

  it('an entry without a space between method and path allows nothing', () => {
    expect(scopeAllows(['GET/v1/apps'], get('/v1/apps'))).toBe(false);
  });

  it('HEAD is allowed where GET is, but not where only another method is', () => {
    const head = { ...get(METRICS, [['groupBy', 'betaTesters']]), method: 'HEAD' };
    expect(scopeAllows([`GET ${METRICS}?groupBy=betaTesters`], head)).toBe(true);
    expect(scopeAllows([`POST ${METRICS}?groupBy=betaTesters`], head)).toBe(false);
  });

  it('an entry naming HEAD allows HEAD, and does not allow GET', () => {
    expect(scopeAllows(['HEAD /v1/apps'], { ...get('/v1/apps'), method: 'HEAD' })).toBe(true);
    expect(scopeAllows(['HEAD /v1/apps'], get('/v1/apps'))).toBe(false);
  });
});

describe('query parameters, compared as a set', () => {
  const entry = `GET ${METRICS}?groupBy=betaTesters&period=P7D`;

  it('the same parameters in another order allow the request', () => {
    const target = get(METRICS, [
      ['period', 'P7D'],
      ['groupBy', 'betaTesters'],
    ]);
    expect(scopeAllows([entry], target)).toBe(true);
  });

  it('an extra parameter in the request refuses', () => {
    const target = get(METRICS, [
      ['groupBy', 'betaTesters'],
      ['period', 'P7D'],
      ['filter[betaTesters]', 'abc'],
    ]);
    expect(scopeAllows([entry], target)).toBe(false);
  });

  it('a parameter missing from the request refuses', () => {
    expect(scopeAllows([entry], get(METRICS, [['groupBy', 'betaTesters']]))).toBe(false);
  });

  it('a parameter with another value refuses', () => {
    const target = get(METRICS, [
      ['groupBy', 'betaTesters'],
      ['period', 'P30D'],
    ]);
    expect(scopeAllows([entry], target)).toBe(false);
  });

  it('an entry without a query refuses a request with one', () => {
    expect(scopeAllows([`GET ${METRICS}`], get(METRICS, [['groupBy', 'betaTesters']]))).toBe(false);
  });

  it('limit, cursor and sort in the request are ignored', () => {
    const target = get(METRICS, [
      ['limit', '10'],
      ['groupBy', 'betaTesters'],
      ['cursor', 'Y3Vyc29y'],
      ['sort', 'id'],
      ['period', 'P7D'],
    ]);
    expect(scopeAllows([entry], target)).toBe(true);
  });

  it('limit, cursor and sort in the entry are ignored', () => {
    const withPaging = `GET ${METRICS}?limit=5&groupBy=betaTesters&cursor=abc&sort=-id&period=P7D`;
    const target = get(METRICS, [
      ['groupBy', 'betaTesters'],
      ['period', 'P7D'],
    ]);
    expect(scopeAllows([withPaging], target)).toBe(true);
  });

  it('percent-encoded and literal brackets in the entry name the same parameter', () => {
    const target = get(METRICS, [['filter[betaTesters]', 'abc']]);
    expect(scopeAllows([`GET ${METRICS}?filter%5BbetaTesters%5D=abc`], target)).toBe(true);
    expect(scopeAllows([`GET ${METRICS}?filter[betaTesters]=abc`], target)).toBe(true);
  });
});

describe('several entries', () => {
  const scope = ['GET /v1/apps', `GET ${METRICS}?groupBy=betaTesters`, 'GET /v1/betaTesters?limit=200'];

  it('one matching entry is enough, wherever it stands', () => {
    expect(scopeAllows(scope, get(METRICS, [['groupBy', 'betaTesters']]))).toBe(true);
    expect(scopeAllows(scope, get('/v1/betaTesters'))).toBe(true);
    expect(scopeAllows([...scope].reverse(), get('/v1/apps'))).toBe(true);
  });

  it('no matching entry refuses', () => {
    expect(scopeAllows(scope, get(METRICS, [['filter[betaTesters]', 'abc']]))).toBe(false);
    expect(scopeAllows(scope, get('/v1/betaTesters/abc'))).toBe(false);
  });

  it('an empty scope allows nothing', () => {
    expect(scopeAllows([], get('/v1/apps'))).toBe(false);
  });
});
