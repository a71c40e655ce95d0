import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APPLE_BASE_URL, createHarness, type Harness, seedApp } from '../../../test/support/harness.js';
import { type PeriodCode, usageWindow } from '../../domain/period.js';
import type { UsageValues } from '../../domain/usage-values.js';
import { SeededRandom } from '../../services/demo/seeded-random.js';
import { createServices } from '../../services/services.js';
import { openStore } from '../../storage/open-store.js';
import type { UsageEventRecord } from '../../domain/records/usage-event-record.js';
import type { Store } from '../../storage/store.js';
import { createApp } from '../../main/create-app.js';
import { fixedBaseUrl } from '../links.js';

// Every shortcut of the metrics path (monthly rollups less or plus daily ones, answers kept per data version,
// remembered tokens, prepared statements) must answer exactly what the raw events say, for any window and
// page, before and after writes, on every node. The expected answers here are counted from the raw events
// themselves (Store.listUsageEvents), not from any rollup.

const APP = '1700000000';
const PERIODS: readonly PeriodCode[] = ['P7D', 'P30D', 'P90D', 'P365D'];
const random = new SeededRandom(20_231_005);
const TESTERS = Array.from({ length: 36 }, () => random.uuid()).sort();
const TYPES: readonly UsageEventRecord['type'][] = [
  'session',
  'session',
  'session',
  'crash',
  'feedback',
  'install',
];

let harness: Harness;
let serial = 0;
/** Testers added to the app as INSTALLED, who appear without any event. */
const installedWithoutEvents: string[] = [];

beforeAll(async () => {
  harness = await createHarness({ rateLimit: 0 });
  await seedApp(
    harness.store,
    APP,
    TESTERS.map((id) => ({ id, installed: false })),
  );
  // Usage over 19 months, across a leap day; the last six testers have none (never installed).
  await write(
    harness.store,
    Array.from({ length: 1500 }, () => randomEvent(TESTERS.slice(0, 30), '2023-01-01', 546)),
  );
});
afterAll(() => harness.close());

function randomEvent(testers: readonly string[], from: string, days: number): UsageEventRecord {
  const at = new Date(
    Date.parse(`${from}T00:00:00Z`) + random.int(0, days * 86_400 - 1) * 1000,
  ).toISOString();
  return {
    id: `e${serial++}`,
    appId: APP,
    testerId: random.pick(testers),
    type: random.pick(TYPES),
    occurredAt: at,
    build: String(random.int(1, 3)),
    receivedAt: at,
  };
}

async function write(store: Store, events: UsageEventRecord[]) {
  for (let i = 0; i < events.length; i += 400) await store.appendUsageEvents(events.slice(i, i + 400));
}

interface Row {
  readonly id: string;
  readonly values: UsageValues;
}

/** The answer counted from the raw events: installed testers in id order, and their usage in the window. */
async function expected(
  period: PeriodCode,
): Promise<{ total: number; rows: Row[]; start: string; end: string }> {
  const events: UsageEventRecord[] = [];
  for (;;) {
    const last = events.at(-1);
    const page = await harness.store.listUsageEvents(
      APP,
      last && { occurredAt: last.occurredAt, id: last.id },
      1000,
    );
    events.push(...page);
    if (page.length < 1000) break;
  }
  const window = usageWindow(harness.reportClock.now(), period);
  const sums = new Map<string, UsageValues>(
    installedWithoutEvents.map((id) => [id, { crashCount: 0, sessionCount: 0, feedbackCount: 0 }]),
  );
  for (const event of events) {
    const values = sums.get(event.testerId) ?? { crashCount: 0, sessionCount: 0, feedbackCount: 0 };
    sums.set(event.testerId, values);
    const day = event.occurredAt.slice(0, 10);
    if (day < window.firstDay || day > window.lastDay) continue;
    if (event.type === 'session') values.sessionCount++;
    if (event.type === 'crash') values.crashCount++;
    if (event.type === 'feedback') values.feedbackCount++;
  }
  const rows = [...sums.keys()].sort().map((id) => ({ id, values: sums.get(id) as UsageValues }));
  return { total: rows.length, rows, start: window.start, end: window.end };
}

interface Page {
  readonly raw: string;
  readonly url: string;
  readonly body: {
    data: Array<{
      dataPoints: Array<{ start: string; end: string; values: UsageValues }>;
      dimensions: { betaTesters: { data: { id: string } } };
    }>;
    links: { next?: string };
    meta: { paging: { total: number; limit: number } };
  };
}

async function get(url: string, app: FastifyInstance = harness.app): Promise<Page> {
  const token = await harness.token();
  const response = await app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } });
  expect(response.statusCode, response.body).toBe(200);
  return { raw: response.body, url, body: response.json() };
}

/** Every page of `period`, following `next` as a client does. */
async function pages(period: PeriodCode, limit: number, app?: FastifyInstance): Promise<Page[]> {
  const all: Page[] = [];
  let url: string | undefined =
    `/v1/apps/${APP}/metrics/betaTesterUsages?groupBy=betaTesters&period=${period}&limit=${limit}`;
  while (url !== undefined) {
    const page: Page = await get(url, app);
    all.push(page);
    url = page.body.links.next?.slice(APPLE_BASE_URL.length);
  }
  return all;
}

async function expectTheRawEventsAnswer(
  period: PeriodCode,
  limit: number,
  app?: FastifyInstance,
): Promise<Page[]> {
  const want = await expected(period);
  const got = await pages(period, limit, app);
  expect(got.length, `${period} limit ${limit}: pages`).toBe(Math.max(1, Math.ceil(want.total / limit)));
  const rows = got.flatMap((page) =>
    page.body.data.map((item) => {
      expect(item.dataPoints[0]?.start).toBe(want.start);
      expect(item.dataPoints[0]?.end).toBe(want.end);
      return { id: item.dimensions.betaTesters.data.id, values: item.dataPoints[0]?.values };
    }),
  );
  expect(rows, `${period} limit ${limit} at ${harness.reportClock.now().toISOString()}`).toEqual(want.rows);
  for (const page of got) expect(page.body.meta.paging.total).toBe(want.total);
  return got;
}

/** An app of its own over the same store and services, with nothing kept: the answer computed afresh. */
function freshApp(): FastifyInstance {
  return createApp({
    services: harness.services,
    baseUrl: fixedBaseUrl(APPLE_BASE_URL),
  });
}

describe('the metrics answer, against the raw events', () => {
  it('is right for random report dates, every period and random page sizes; a kept answer is byte for byte a fresh one', async () => {
    for (let round = 0; round < 6; round++) {
      const day = new Date(Date.parse('2023-02-01T00:00:00Z') + random.int(0, 500) * 86_400_000);
      harness.reportClock.set(new Date(day.getTime() + random.int(0, 86_399) * 1000));
      for (const period of PERIODS) {
        const limit = random.int(1, 40);
        const first = await expectTheRawEventsAnswer(period, limit);
        const again = await pages(period, limit);
        const fresh = await pages(period, limit, freshApp());
        expect(again.map((page) => page.raw)).toEqual(first.map((page) => page.raw));
        expect(fresh.map((page) => page.raw)).toEqual(first.map((page) => page.raw));
      }
    }
  });

  it('changes at once with late events, new installs and the report date; duplicates change nothing', async () => {
    harness.reportClock.set('2024-05-20T08:00:00Z');
    const limits = new Map(PERIODS.map((period) => [period, random.int(3, 25)] as const));
    const everyPeriod = async () => {
      for (const period of PERIODS) await expectTheRawEventsAnswer(period, limits.get(period) ?? 10);
    };
    await everyPeriod();
    // Late events: months back, inside every window and in the part-months at their edges.
    await write(
      harness.store,
      Array.from({ length: 60 }, () => randomEvent(TESTERS.slice(0, 30), '2023-05-01', 385)),
    );
    await everyPeriod();
    // A tester's first event makes them appear, with the total one higher.
    await write(harness.store, [randomEvent([TESTERS[31] as string], '2024-05-15', 5)]);
    await everyPeriod();
    const before = await pages('P30D', 7);
    await harness.store.appendUsageEvents([{ ...randomEvent(TESTERS, '2024-05-10', 5), id: 'e0' }]);
    expect((await pages('P30D', 7)).map((page) => page.raw)).toEqual(before.map((page) => page.raw));
    // The next day: every window moves.
    harness.reportClock.set('2024-05-21T00:00:01Z');
    await everyPeriod();
  });

  it('shows a tester added as installed at once', async () => {
    harness.reportClock.set('2024-05-21T12:00:00Z');
    const before = await expectTheRawEventsAnswer('P90D', 50);
    await harness.store.createTesters([
      {
        id: 'ffff-installed',
        email: 'late@example.com',
        firstName: null,
        lastName: null,
        inviteType: 'EMAIL',
        createdAt: '2024-05-21T00:00:00.000Z',
      },
    ]);
    await harness.store.addTestersToApps([
      { appId: APP, testerId: 'ffff-installed', state: 'INSTALLED', invitedAt: '2024-05-21T00:00:00.000Z' },
    ]);
    installedWithoutEvents.push('ffff-installed');
    await expectTheRawEventsAnswer('P90D', 50);
    const after = await get(
      `/v1/apps/${APP}/metrics/betaTesterUsages?groupBy=betaTesters&period=P90D&limit=50`,
    );
    expect(after.body.meta.paging.total).toBe((before[0]?.body.meta.paging.total ?? 0) + 1);
    expect(after.body.data.at(-1)?.dimensions.betaTesters.data.id).toBe('ffff-installed');
  });

  it('answers on one node what another node sharing the store wrote, at once', async () => {
    harness.reportClock.set('2024-05-22T12:00:00Z');
    const otherStore = await openStore(harness.location.location);
    try {
      const otherServices = await createServices(otherStore, {
        clock: harness.clock,
        reportClock: harness.reportClock,
      });
      const otherNode = createApp({
        services: otherServices,
        baseUrl: fixedBaseUrl(APPLE_BASE_URL),
      });
      const ingestKey = await otherServices.ingestKeys.create(APP);
      for (const period of PERIODS) await expectTheRawEventsAnswer(period, 12);
      const events = Array.from({ length: 40 }, () =>
        randomEvent(TESTERS.slice(0, 30), '2024-02-01', 110),
      ).map((event) => ({
        id: event.id,
        type: event.type,
        appId: APP,
        testerId: event.testerId,
        timestamp: event.occurredAt,
      }));
      const response = await otherNode.inject({
        method: 'POST',
        url: '/ingest/v1/events',
        headers: { authorization: `Bearer ${ingestKey.key}` },
        payload: { events },
      });
      expect(response.json()).toEqual({ accepted: 40, duplicates: 0 });
      for (const period of PERIODS) await expectTheRawEventsAnswer(period, 12);
      // and the other node answers the same bytes
      for (const period of PERIODS) {
        const here = await pages(period, 12);
        const there = await pages(period, 12, otherNode);
        expect(there.map((page) => page.raw)).toEqual(here.map((page) => page.raw));
      }
      await otherNode.close();
    } finally {
      await otherStore.close();
    }
  });
});
