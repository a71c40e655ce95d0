import { describe, expect, it } from 'vitest';
import { ApiError } from '../../errors/api-error.js';
import { type FaultRequest, type FaultRuleInput, FaultRules, MAX_FAULT_RULES } from './fault-rules.js';

/** The rules of one node: which requests each faults, and what it counts (README, "Faults on demand"). */

const METRICS: FaultRequest = {
  operation: 'apps_betaTesterUsages_getMetrics',
  keyId: 'KEY0000001',
  method: 'GET',
  path: '/v1/apps/1/metrics/betaTesterUsages',
  hasCursor: false,
};
const rule = (input: Partial<FaultRuleInput>): FaultRuleInput => ({
  fault: { status: 429 },
  match: {},
  when: {},
  ...input,
});
const start = '2024-01-01T00:00:00.000Z';

/** A clock the test moves (no store here, so not the harness's). */
function testClock(at: string) {
  let time = new Date(at).getTime();
  return {
    now: () => new Date(time),
    advance: (ms: number) => {
      time += ms;
    },
  };
}

/** For each of `requests`, whether it was faulted. */
function outcomes(rules: FaultRules, requests: readonly FaultRequest[]): boolean[] {
  return requests.map((request) => rules.choose(request) !== undefined);
}

describe('fault rules', () => {
  it('nth: the 1st and 2nd pass, the 3rd is faulted, the 4th and later pass', () => {
    const rules = new FaultRules(testClock(start));
    rules.add(rule({ when: { nth: 3 } }));
    expect(outcomes(rules, Array(5).fill(METRICS))).toEqual([false, false, true, false, false]);
    expect(rules.list()[0]).toMatchObject({ matched: 3, fired: 1, active: false });
  });

  it('probability with a seed: the same sequence on every run, and another with another seed', () => {
    const sequence = (seed: number) => {
      const rules = new FaultRules(testClock(start));
      rules.add(rule({ when: { probability: 0.25, seed } }));
      return outcomes(rules, Array(200).fill(METRICS));
    };
    const first = sequence(42);
    expect(sequence(42)).toEqual(first);
    expect(sequence(7)).not.toEqual(first);
    const unseeded = new FaultRules(testClock(start));
    expect(unseeded.add(rule({ when: { probability: 0.5 } })).when).toEqual({ probability: 0.5, seed: 1 });
    const faulted = first.filter(Boolean).length;
    expect(faulted).toBeGreaterThan(20);
    expect(faulted).toBeLessThan(80);
  });

  it('forSeconds: faults until that many seconds of the clock have passed, then never', () => {
    const clock = testClock(start);
    const rules = new FaultRules(clock);
    const added = rules.add(rule({ when: { forSeconds: 30 } }));
    expect(added.expiresAt).toBe('2024-01-01T00:00:30.000Z');
    expect(outcomes(rules, [METRICS])).toEqual([true]);
    clock.advance(29_999);
    expect(outcomes(rules, [METRICS])).toEqual([true]);
    clock.advance(1);
    expect(outcomes(rules, [METRICS, METRICS])).toEqual([false, false]);
    expect(rules.list()[0]).toMatchObject({ matched: 2, fired: 2, active: false });
  });

  it('times: faults that many matching requests, then never', () => {
    const rules = new FaultRules(testClock(start));
    rules.add(rule({ when: { times: 2 } }));
    expect(outcomes(rules, Array(4).fill(METRICS))).toEqual([true, true, false, false]);
  });

  it('match: by operation, key, method and path, each only when given', () => {
    const rules = new FaultRules(testClock(start));
    rules.add(rule({ match: { operation: 'apps_getCollection', keyId: 'KEY0000002', method: 'get' } }));
    const apps = { ...METRICS, operation: 'apps_getCollection', path: '/v1/apps' };
    expect(
      outcomes(rules, [
        METRICS,
        apps,
        { ...apps, keyId: 'KEY0000002' },
        { ...apps, keyId: 'KEY0000002', method: 'HEAD' },
        { ...apps, keyId: undefined },
      ]),
    ).toEqual([false, false, true, false, false]);
    rules.clear();
    rules.add(rule({ match: { path: '/v1/apps' } }));
    expect(outcomes(rules, [METRICS, apps])).toEqual([false, true]);
  });

  it('a stale cursor matches only requests that carry a cursor', () => {
    const rules = new FaultRules(testClock(start));
    rules.add(rule({ fault: { staleCursor: true }, when: { nth: 2 } }));
    const paging = { ...METRICS, hasCursor: true };
    expect(outcomes(rules, [METRICS, paging, METRICS, paging])).toEqual([false, false, false, true]);
  });

  it('the first rule that fires answers; every matching rule counts the request', () => {
    const rules = new FaultRules(testClock(start));
    const first = rules.add(rule({ fault: { status: 500 }, when: { times: 1 } }));
    const second = rules.add(rule({ fault: { status: 503 } }));
    expect(rules.choose(METRICS)).toEqual({ ruleId: first.id, fault: { status: 500 } });
    expect(rules.choose(METRICS)).toEqual({ ruleId: second.id, fault: { status: 503 } });
    expect(rules.list().map(({ matched, fired }) => [matched, fired])).toEqual([
      [1, 1],
      [2, 1],
    ]);
  });

  it('lists, removes one and clears all', () => {
    const rules = new FaultRules(testClock(start));
    const a = rules.add(rule({}));
    const b = rules.add(rule({ fault: { latencyMs: 10 } }));
    expect(rules.list().map((view) => view.id)).toEqual([a.id, b.id]);
    expect(rules.list()[1]).toMatchObject({
      fault: { latencyMs: 10 },
      match: {},
      when: {},
      createdAt: start,
      expiresAt: null,
      matched: 0,
      fired: 0,
      active: true,
    });
    expect(rules.remove(a.id)).toBe(true);
    expect(rules.remove(a.id)).toBe(false);
    expect(rules.list().map((view) => view.id)).toEqual([b.id]);
    expect(rules.clear()).toBe(1);
    expect(rules.list()).toEqual([]);
    expect(rules.choose(METRICS)).toBeUndefined();
  });

  it(`holds at most ${MAX_FAULT_RULES} rules: one more is 409 STATE_ERROR`, () => {
    const rules = new FaultRules(testClock(start));
    for (let n = 0; n < MAX_FAULT_RULES; n++) rules.add(rule({}));
    let refusal: unknown;
    try {
      rules.add(rule({}));
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toBeInstanceOf(ApiError);
    expect((refusal as ApiError).status).toBe(409);
    expect((refusal as ApiError).items[0]?.code).toBe('STATE_ERROR');
    expect(rules.list()).toHaveLength(MAX_FAULT_RULES);
  });
});
