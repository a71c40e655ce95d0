import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { seedApp, type TestClock, testClock } from '../../test/support/harness.js';
import { PERIOD_DAYS, type PeriodCode } from '../domain/period.js';
import { type TestStoreLocation, testStoreLocation } from '../../test/support/test-database.js';
import { openStore } from '../storage/open-store.js';
import type { UsageEventRecord } from '../domain/records/usage-event-record.js';
import type { Store } from '../storage/store.js';
import { RefusedBatch } from './batch-problems.js';
import { DEFAULT_INGESTION_LIMITS } from './ingestion.js';
import { createServices, type Services } from './services.js';

const DAY = 86_400_000;
const T0 = Date.parse('2023-10-05T12:00:00.000Z');
const daysBefore = (days: number, from = T0) => new Date(from - days * DAY).toISOString();

let location: TestStoreLocation;
let store: Store;
let reportClock: TestClock;
let services: Services;
beforeEach(async () => {
  location = await testStoreLocation();
  store = await openStore(location.location);
  reportClock = testClock(new Date(T0));
  services = await createServices(
    store,
    { clock: testClock(new Date(T0)), reportClock },
    DEFAULT_INGESTION_LIMITS,
  );
  await seedApp(store, '100', [
    { id: 't1', installed: false },
    { id: 't2', installed: false },
  ]);
});
afterEach(async () => {
  await store.close();
  await location.cleanup();
});

/** Every window's answer for app 100 at the report clock's now. */
async function everyWindow() {
  const answers: Record<string, unknown> = {};
  for (const period of Object.keys(PERIOD_DAYS) as PeriodCode[]) {
    const report = await services.betaTesterUsages.readBetaTesterUsages('100', {
      period,
      limit: 50,
      scope: 'every window',
    });
    answers[period] = { window: report.window, rows: report.rows, total: report.total };
  }
  return answers;
}

/** Sessions of tester t1 of app 100, `count` of them, each dated 401-430 days before the report date. */
function eventsPastRetention(count: number): UsageEventRecord[] {
  const events: UsageEventRecord[] = [];
  for (let i = 0; i < count; i++) {
    const occurredAt = daysBefore(401 + (i % 30));
    events.push({
      id: `old${i}`,
      appId: '100',
      testerId: 't1',
      type: 'session',
      occurredAt,
      receivedAt: occurredAt,
    });
  }
  return events;
}

const storedIds = async () => (await store.listUsageEvents('100', undefined, 100)).map((event) => event.id);

describe('prune', () => {
  it('deletes the raw events past retention and changes no answer of any window', async () => {
    const event = (id: string, timestamp: string, over: Record<string, string> = {}) => ({
      id,
      type: 'session',
      appId: '100',
      testerId: 't1',
      timestamp,
      ...over,
    });
    // Accepted while the report date is T0: all within the 400 days of retention then.
    const result = await services.ingestion.ingestBatch(
      {
        events: [
          event('d399', daysBefore(399), { type: 'install' }),
          event('d350', daysBefore(350), { testerId: 't2', type: 'crash' }),
          event('d340', daysBefore(340), { type: 'feedback' }),
          event('d300', daysBefore(300)),
          event('d100', daysBefore(100), { testerId: 't2' }),
          event('d10', daysBefore(10), { type: 'crash' }),
          event('d1', daysBefore(1)),
        ],
      },
      '100',
    );
    expect(result).toEqual({ accepted: 7, duplicates: 0 });
    // 60 days later, d399 and d350 are past retention; d340 is exactly 400 days old and stays.
    reportClock.set(new Date(T0 + 60 * DAY));
    const before = await everyWindow();

    expect(await services.ingestion.prune()).toBe(2);

    expect(await storedIds()).toEqual(['d340', 'd300', 'd100', 'd10', 'd1']);
    expect(await everyWindow()).toEqual(before);
    expect(before.P365D).toMatchObject({
      rows: [
        { testerId: 't1', values: { sessionCount: 2, crashCount: 1, feedbackCount: 0 } },
        { testerId: 't2', values: { sessionCount: 1, crashCount: 0, feedbackCount: 0 } },
      ],
    });
    expect(await services.ingestion.prune()).toBe(0);
  });

  it('keeps exactly-once past pruning: a pruned event sent again is refused as too old', async () => {
    const old = { id: 'old', type: 'session', appId: '100', testerId: 't1', timestamp: daysBefore(399) };
    const edge = { ...old, id: 'edge', timestamp: daysBefore(340) };
    await services.ingestion.ingestBatch({ events: [old, edge] }, '100');
    reportClock.set(new Date(T0 + 60 * DAY));
    await services.ingestion.prune();

    await expect(services.ingestion.ingestBatch({ events: [old] }, '100')).rejects.toBeInstanceOf(
      RefusedBatch,
    );
    expect(await services.ingestion.ingestBatch({ events: [edge] }, '100')).toEqual({
      accepted: 0,
      duplicates: 1,
    });
    expect(await storedIds()).toEqual(['edge']);
  });

  it('deletes in chunks until no old event is left', async () => {
    const events = eventsPastRetention(12_001);
    const recent = daysBefore(2);
    events.push({
      id: 'recent',
      appId: '100',
      testerId: 't2',
      type: 'crash',
      occurredAt: recent,
      receivedAt: recent,
    });
    await store.appendUsageEvents(events);
    const before = await everyWindow();
    const allTime = await store.sumUsageByTester('100', ['t1', 't2'], '2000-01-01', '2099-12-31');

    let settled = false;
    const pruning = services.ingestion.prune().finally(() => {
      settled = true;
    });
    // What waits on the event loop (a request on its socket, /healthz) runs between chunks, not after all.
    const answeredMeanwhile = await new Promise<boolean>((resolve) => setImmediate(() => resolve(!settled)));
    expect(await pruning).toBe(12_001);
    expect(answeredMeanwhile).toBe(true);

    expect(await storedIds()).toEqual(['recent']);
    expect(await everyWindow()).toEqual(before);
    expect(await store.sumUsageByTester('100', ['t1', 't2'], '2000-01-01', '2099-12-31')).toEqual(allTime);
    expect(allTime.get('t1')?.sessionCount).toBe(12_001);
  });

  it('stops before its next chunk once its signal is aborted; a later prune deletes the rest', async () => {
    await store.appendUsageEvents(eventsPastRetention(12_001));
    const stopping = new AbortController();
    const pruning = services.ingestion.prune(stopping.signal);
    // Told between the first chunk and the second (the prune yields to the event loop between chunks).
    await new Promise<void>((resolve) => setImmediate(resolve));
    stopping.abort();
    const deleted = await pruning;
    expect(deleted).toBe(5000);

    expect(await services.ingestion.prune(new AbortController().signal)).toBe(12_001 - deleted);
    expect(await storedIds()).toEqual([]);
  });

  it('prunes nothing when its signal is aborted before it starts', async () => {
    const old = { id: 'old', type: 'session', appId: '100', testerId: 't1', timestamp: daysBefore(399) };
    await services.ingestion.ingestBatch({ events: [old] }, '100');
    reportClock.set(new Date(T0 + 60 * DAY));
    expect(await services.ingestion.prune(AbortSignal.abort())).toBe(0);
    expect(await storedIds()).toEqual(['old']);
  });
});
