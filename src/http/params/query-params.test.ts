import { describe, expect, it } from 'vitest';
import { ApiError } from '../../errors/api-error.js';
import { testflightSpec } from '../resources/spec-operations.js';
import { betaTesterUsagesQueryParser } from './beta-tester-usages-query.js';
import { metricsQueryReader } from './metrics-query.js';
import { enumListRule, idListRule, limitRule, parseQuery } from './query-params.js';

const parseBetaTesterUsagesQuery = betaTesterUsagesQueryParser('apps_betaTesterUsages_getMetrics');

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

  describe('of every metrics operation, derived from the vendored spec', () => {
    const metrics = testflightSpec().operations.filter((operation) => operation.shape.kind === 'metrics');

    it('finds the five metrics operations', () => {
      expect(metrics.map((operation) => operation.operationId).sort()).toEqual([
        'apps_betaTesterUsages_getMetrics',
        'betaGroups_betaTesterUsages_getMetrics',
        'betaGroups_publicLinkUsages_getMetrics',
        'betaTesters_betaTesterUsages_getMetrics',
        'builds_betaBuildUsages_getMetrics',
      ]);
    });

    for (const operation of metrics) {
      it(`${operation.operationId}: takes what the spec declares, with its maximum and requirements, and nothing else`, () => {
        const reader = metricsQueryReader(operation.operationId, { pages: false });
        const declared = [...operation.parameters.values()];
        const required = declared
          .filter((parameter) => parameter.required)
          .map((parameter) => parameter.name);
        const sent = declared.map((parameter): [string, string] => [
          parameter.name,
          parameter.name === 'limit' ? String(parameter.maximum) : (parameter.values?.[0] ?? 'x1'),
        ]);
        expect(reader.read(sent).echo.map(([name]) => name)).toEqual(
          declared.map((parameter) => parameter.name),
        );
        const maximum = operation.parameters.get('limit')?.maximum;
        expect(maximum).toBeGreaterThan(0);
        expect(errorsOf(() => reader.read([['limit', String((maximum ?? 0) + 1)]]))[0]).toMatchObject({
          code: 'PARAMETER_ERROR.INVALID',
          source: { parameter: 'limit' },
        });
        expect(errorsOf(() => reader.read([...sent, ['cursor', 'abc']]))).toEqual([
          expect.objectContaining({ code: 'PARAMETER_ERROR.ILLEGAL', source: { parameter: 'cursor' } }),
        ]);
        const absent = required.length === 0 ? [] : errorsOf(() => reader.read([]));
        expect(absent.map((item) => item.detail)).toEqual(
          required.map((name) => `This endpoint requires the '${name}' parameter`),
        );
      });
    }

    it('refuses an operation the spec does not declare', () => {
      expect(() => metricsQueryReader('apps_crashes_getMetrics', { pages: true })).toThrow(
        'the vendored spec declares no metrics operation apps_crashes_getMetrics',
      );
    });
  });
});
