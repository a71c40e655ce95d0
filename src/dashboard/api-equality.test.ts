import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PagedBody, UsageItem } from '../../test/support/api-responses.js';
import { getPage, signIn } from '../../test/support/dashboard.js';
import { APPLE_BASE_URL, createHarness, type Harness, seedApp } from '../../test/support/harness.js';
import type { UsageValues } from '../domain/usage-values.js';
import { SeededRandom } from '../services/demo/seeded-random.js';
import type { UsageEventRecord } from '../domain/records/usage-event-record.js';

// The dashboard's numbers are the API's: for every period, the headline, every row of the tester
// table, the chart's days and each tester's page equal what GET /v1/apps/{id}/metrics/betaTesterUsages answers
// for the same period and report date.

const APP = '1700000000';
const PERIODS = ['P7D', 'P30D', 'P90D', 'P365D'] as const;
const random = new SeededRandom(77);
const TESTERS = Array.from({ length: 64 }, () => random.uuid()).sort();

let harness: Harness;
let cookie: string;

beforeAll(async () => {
  harness = await createHarness({ rateLimit: 0 });
  await seedApp(
    harness.store,
    APP,
    TESTERS.map((id) => ({ id, installed: false })),
  );
  // Usage over 19 months ending after the report date (2023-10-05); the last eight testers never install.
  const types: UsageEventRecord['type'][] = ['session', 'session', 'session', 'crash', 'feedback', 'install'];
  const events = Array.from({ length: 3000 }, (_, i): UsageEventRecord => {
    const at = new Date(
      Date.parse('2022-05-01T00:00:00Z') + random.int(0, 540 * 86_400 - 1) * 1000,
    ).toISOString();
    return {
      id: `e${i}`,
      appId: APP,
      testerId: random.pick(TESTERS.slice(0, 56)),
      type: random.pick(types),
      occurredAt: at,
      receivedAt: at,
      build: String(random.int(1, 4)),
    };
  });
  for (let i = 0; i < events.length; i += 500)
    await harness.store.appendUsageEvents(events.slice(i, i + 500));
  cookie = await signIn(harness);
});
afterAll(() => harness.close());

/** Every row of the API's answer for `period`, following `next` as a client does. */
async function apiRows(period: string, tester?: string): Promise<Map<string, UsageValues>> {
  const rows = new Map<string, UsageValues>();
  let url: string | undefined = tester
    ? `/v1/apps/${APP}/metrics/betaTesterUsages?period=${period}&filter[betaTesters]=${tester}`
    : `/v1/apps/${APP}/metrics/betaTesterUsages?period=${period}&groupBy=betaTesters&limit=200`;
  while (url !== undefined) {
    const answer = await harness.get(url);
    expect(answer.statusCode).toBe(200);
    const body = answer.json<PagedBody<UsageItem>>();
    for (const item of body.data) {
      const id = item.dimensions?.betaTesters?.data.id ?? tester ?? '';
      rows.set(id, item.dataPoints[0]?.values ?? { crashCount: 0, sessionCount: 0, feedbackCount: 0 });
    }
    url = body.links.next?.slice(APPLE_BASE_URL.length);
  }
  return rows;
}

const count = (text: string | undefined) => Number(text?.replace(/,/g, ''));
const metric = (body: string, name: string) => new RegExp(`data-metric="${name}">([^<]*)`).exec(body)?.[1];

/** The table's rows: tester id, state and its number cells. */
function tableRows(body: string) {
  return [...body.matchAll(/<tr data-tester="([^"]+)">([\s\S]*?)<\/tr>/g)].map(([, id, cells]) => {
    const nums = [...(cells ?? '').matchAll(/<td class="num">([^<]*)<\/td>/g)].map((m) => m[1] ?? '');
    return {
      id: id ?? '',
      state: /<span class="state">([A-Z_]+)</.exec(cells ?? '')?.[1],
      values: { crashCount: count(nums[1]), sessionCount: count(nums[0]), feedbackCount: count(nums[2]) },
      rate: nums[3],
    };
  });
}

const rate = (v: UsageValues) =>
  v.sessionCount === 0 ? '—' : ((v.crashCount * 100) / v.sessionCount).toFixed(1);

describe.each(PERIODS)('%s', (period) => {
  it('has the headline and the chart of the API', async () => {
    const api = await apiRows(period);
    const page = await getPage(harness, `/dashboard/apps/${APP}?period=${period}`, cookie);
    expect(page.statusCode).toBe(200);
    const sum = (pick: (v: UsageValues) => number) =>
      [...api.values()].reduce((total, v) => total + pick(v), 0);
    const totals = {
      crashCount: sum((v) => v.crashCount),
      sessionCount: sum((v) => v.sessionCount),
      feedbackCount: sum((v) => v.feedbackCount),
    };
    expect(count(metric(page.body, 'sessions'))).toBe(totals.sessionCount);
    expect(count(metric(page.body, 'crashes'))).toBe(totals.crashCount);
    expect(count(metric(page.body, 'feedback'))).toBe(totals.feedbackCount);
    expect(metric(page.body, 'crashRate')).toBe(rate(totals));
    const active = [...api.values()].filter(
      (v) => v.sessionCount + v.crashCount + v.feedbackCount > 0,
    ).length;
    expect(count(metric(page.body, 'activeTesters'))).toBe(active);
    expect(page.body).toContain(`<small>of ${api.size} installed</small>`);
    const days = [
      ...page.body.matchAll(
        /<tr><th scope="row">[\d-]+<\/th><td class="num">([\d,]+)<\/td><td class="num">([\d,]+)<\/td><td class="num">([\d,]+)<\/td><\/tr>/g,
      ),
    ];
    expect(days.reduce((total, d) => total + count(d[1]), 0)).toBe(totals.sessionCount);
    expect(days.reduce((total, d) => total + count(d[2]), 0)).toBe(totals.crashCount);
    expect(days.reduce((total, d) => total + count(d[3]), 0)).toBe(totals.feedbackCount);
  });

  it('has the rows of the API in its table, and zeros for testers who never installed', async () => {
    const api = await apiRows(period);
    const seen = new Set<string>();
    for (let p = 1; p <= 2; p++) {
      const page = await getPage(
        harness,
        `/dashboard/apps/${APP}/testers?period=${period}&sort=lastSeen&page=${p}`,
        cookie,
      );
      for (const row of tableRows(page.body)) {
        seen.add(row.id);
        const want = api.get(row.id);
        if (want === undefined) {
          expect(row.state, row.id).toBe('INVITED');
          expect(row.values).toEqual({ crashCount: 0, sessionCount: 0, feedbackCount: 0 });
        } else {
          expect(row.values, row.id).toEqual(want);
          expect(row.rate).toBe(rate(want));
        }
      }
    }
    expect(seen).toEqual(new Set(TESTERS));
  });

  it("has the API's numbers on tester pages", async () => {
    for (const tester of [TESTERS[0], TESTERS[17], TESTERS[55]]) {
      const [want] = (await apiRows(period, tester)).values();
      const page = await getPage(
        harness,
        `/dashboard/apps/${APP}/testers/${tester}?period=${period}`,
        cookie,
      );
      expect(page.statusCode).toBe(200);
      expect(count(metric(page.body, 'sessions'))).toBe(want?.sessionCount);
      expect(count(metric(page.body, 'crashes'))).toBe(want?.crashCount);
      expect(count(metric(page.body, 'feedback'))).toBe(want?.feedbackCount);
    }
  });
});
