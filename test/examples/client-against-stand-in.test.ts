import { createClient } from 'beta-metrics/client';
import { type StandIn, startStandIn } from 'beta-metrics/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

/**
 * An example suite written as a tool builder would write theirs: it imports only the published packages
 * (`beta-metrics/testing`, and `beta-metrics/client` standing for the tool under test) and proves that the
 * tool survives Apple's bad days: a 429 in the middle of paging, a 500 then success, an expired token, a slow
 * answer. The README's "Testing with a stand-in" shows the same in Vitest and Jest.
 */

const APP = '6447306070'; // the demo's app: 931 installed testers, the page's first example
let standIn: StandIn;

beforeAll(async () => {
  standIn = await startStandIn({ fixture: 'demo' });
});
afterAll(() => standIn.close());
beforeEach(() => standIn.reset());

/** The tool under test, pointed at the stand-in, with backoffs short enough for a test. */
const tool = (options: { timeoutMs?: number } = {}) =>
  createClient({
    baseUrl: standIn.baseUrl,
    issuerId: standIn.key.issuerId,
    keyId: standIn.key.keyId,
    privateKey: standIn.key.privateKey,
    retry: { maxAttempts: 4, baseMs: 10, maxMs: 50 },
    ...options,
  });

async function everyTester(options: { timeoutMs?: number } = {}): Promise<string[]> {
  const ids: string[] = [];
  for await (const row of tool(options).betaTesterUsages(APP, { period: 'P365D' })) ids.push(row.testerId);
  return ids;
}

const METRICS = 'apps_betaTesterUsages_getMetrics';

describe('the tool reads every tester', () => {
  it('when nothing fails: 931 testers, each once', async () => {
    const ids = await everyTester();
    expect(ids).toHaveLength(931);
    expect(new Set(ids).size).toBe(931);
  });

  it('through a 429 in the middle of paging, retrying the page it was refused', async () => {
    await standIn.faults.add({ fault: { status: 429 }, match: { operation: METRICS }, when: { nth: 3 } });
    expect(await everyTester()).toHaveLength(931);
    const calls = await standIn.journal.entries({ operation: METRICS });
    expect(calls.map((call) => call.status)).toEqual([200, 200, 429, 200, ...calls.slice(4).map(() => 200)]);
    // The retry asked for the same page as the refused request.
    expect(calls[3]?.query).toEqual(calls[2]?.query);
  });

  it('through a 500 then success', async () => {
    await standIn.faults.add({ fault: { status: 500 }, match: { operation: METRICS }, when: { times: 1 } });
    expect(await everyTester()).toHaveLength(931);
    const [first, second] = await standIn.journal.entries({ operation: METRICS });
    expect([first?.status, second?.status]).toEqual([500, 200]);
    expect(first?.errorCodes).toEqual(['UNEXPECTED_ERROR']);
  });

  it('through a token the server calls expired, with a fresh token', async () => {
    await standIn.faults.add({ fault: { status: 401 }, match: { operation: METRICS }, when: { times: 1 } });
    expect(await everyTester()).toHaveLength(931);
    const [refused, retried] = await standIn.journal.entries({ operation: METRICS });
    expect([refused?.status, retried?.status]).toEqual([401, 200]);
    expect(refused?.errorCodes).toEqual(['NOT_AUTHORIZED']);
  });

  it('through an answer slower than its timeout, trying again', async () => {
    await standIn.faults.add({
      fault: { latencyMs: 1500 },
      match: { operation: METRICS },
      when: { times: 1 },
    });
    expect(await everyTester({ timeoutMs: 500 })).toHaveLength(931);
    const calls = await standIn.journal.entries({ operation: METRICS });
    // The slow first answer was abandoned by the tool; the same page was asked for again and served.
    expect(calls.filter((call) => call.status === 200).length).toBeGreaterThanOrEqual(5);
    expect(calls[0]?.query).toEqual(calls[1]?.query);
  });

  it('and gives up on a server that keeps failing, saying what Apple said', async () => {
    await standIn.faults.add({ fault: { status: 500 }, match: { operation: METRICS } });
    await expect(everyTester()).rejects.toMatchObject({ status: 500, code: 'UNEXPECTED_ERROR' });
    expect(await standIn.journal.entries({ operation: METRICS })).toHaveLength(4);
  });
});
