import { describe, expect, it } from 'vitest';
import { ApiError } from '../../errors/api-error.js';
import { parseBetaTesterUsagesQuery } from './beta-tester-usages-query.js';
import { enumListRule, idListRule, limitRule, parseQuery } from './query-params.js';

function errorsOf(run: () => unknown) {
  try {
    run();
  } catch (error) {
    if (error instanceof ApiError) return error.items;
    throw error;
  }
  throw new Error('expected an ApiError');
}

describe('query parameters', () => {
  it('keep the client order and echo values the way links write them', () => {
    const query = parseBetaTesterUsagesQuery([
      ['limit', '05'],
      ['groupBy', 'betaTesters'],
      ['period', 'P30D'],
    ]);
    expect(query.echo).toEqual([
      ['limit', '5'],
      ['groupBy', 'betaTesters'],
      ['period', 'PT720H'],
    ]);
    expect(query).toMatchObject({ limit: 5, period: 'P30D', groupByTesters: true });
  });

  it('merge a repeated parameter into one comma-separated value at its first place', () => {
    const parsed = parseQuery(
      [
        ['a', 'x'],
        ['b', '1'],
        ['a', 'y'],
      ],
      { a: idListRule(), b: limitRule(10) },
    );
    expect(parsed.values.a).toEqual(['x', 'y']);
    expect(parsed.echo).toEqual([
      ['a', 'x,y'],
      ['b', '1'],
    ]);
  });

  it('accept limits like Integer.parseInt does, within range only', () => {
    const limit = limitRule(200);
    expect(['1', '200', '+7', '007'].map((raw) => limit.parse(raw))).toEqual([1, 200, 7, 7]);
    expect(['0', '201', '-1', '1.5', '1e2', ' 5', '', '99999999999'].map((raw) => limit.parse(raw))).toEqual(
      Array(8).fill(undefined),
    );
  });

  it('accept enum lists only when every item is allowed', () => {
    const rule = enumListRule(['betaTesters']);
    expect(rule.parse('betaTesters,betaTesters')).toEqual(['betaTesters', 'betaTesters']);
    expect(rule.parse('betaTesters,apps')).toBeUndefined();
    expect(rule.parse('')).toBeUndefined();
  });

  it('report every problem at once, in the client order, with Apple codes', () => {
    const items = errorsOf(() =>
      parseBetaTesterUsagesQuery([
        ['include', 'apps'],
        ['period', 'P1D'],
        ['groupBy', 'betaTesters'],
        ['cursor', 'nope'],
      ]),
    );
    expect(items.map((item) => [item.code, item.source])).toEqual([
      ['PARAMETER_ERROR.ILLEGAL', { parameter: 'include' }],
      ['PARAMETER_ERROR.INVALID', { parameter: 'period' }],
      ['PARAMETER_ERROR.INVALID', { parameter: 'cursor' }],
    ]);
    expect(items[2]?.detail).toBe("'nope' is not a valid cursor for this request");
  });

  it('require groupBy or filter[betaTesters], even when limit is given', () => {
    const [item] = errorsOf(() => parseBetaTesterUsagesQuery([['limit', '5']]));
    expect(item?.code).toBe('PARAMETER_ERROR.REQUIRED');
    expect(parseBetaTesterUsagesQuery([['filter[betaTesters]', 'abc']])).toMatchObject({
      testerId: 'abc',
      limit: 50,
    });
  });

  it('shorten a huge value when quoting it in an error', () => {
    const [item] = errorsOf(() => parseBetaTesterUsagesQuery([['groupBy', 'x'.repeat(5000)]]));
    expect(item?.detail.length).toBeLessThan(320);
  });
});
