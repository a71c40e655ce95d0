import { describe, expect, it } from 'vitest';
import { addDays } from '../domain/calendar-day.js';
import type { UsageValues } from '../domain/usage-values.js';
import { SeededRandom } from '../services/demo/seeded-random.js';
import type { UsageEventRecord } from '../domain/records/usage-event-record.js';
import type { StoreSuiteContext } from './store.test-suite.js';

/**
 * UsageStore's sums, read from the rollups (whole months, plus and minus runs of days), against the raw events
 * themselves, for random windows, before and after late events and data versions; every backend runs this
 * through describeStore.
 */
export function describeRollupStore(context: StoreSuiteContext): void {
  describe('rollups against raw events', () => {
    const testers = ['t1', 't2', 't3'];
    const types: UsageEventRecord['type'][] = ['session', 'session', 'crash', 'feedback', 'install'];

    it('sum what the raw events count for random windows, before and after late events', async () => {
      const store = context.store();
      await context.seedApps();
      const random = new SeededRandom(42);
      let serial = 0;
      const randomEvents = (n: number, from: string, days: number) =>
        Array.from({ length: n }, () => {
          const at = new Date(
            Date.parse(`${from}T00:00:00Z`) + random.int(0, days * 86_400 - 1) * 1000,
          ).toISOString();
          return context.event(`r${serial++}`, {
            testerId: random.pick(testers),
            type: random.pick(types),
            occurredAt: at,
            build: String(random.int(1, 3)),
          });
        });
      const raw: UsageEventRecord[] = [];
      const append = async (events: UsageEventRecord[]) => {
        await store.appendUsageEvents(events);
        raw.push(...events);
      };
      const expectSums = async () => {
        for (let i = 0; i < 40; i++) {
          const first = addDays('2023-01-01', random.int(0, 540));
          const last = addDays(first, random.pick([0, 6, 13, 27, 29, 30, 59, 89, 180, 364, 399]));
          const want = new Map<string, UsageValues>();
          for (const event of raw) {
            const day = event.occurredAt.slice(0, 10);
            if (day < first || day > last || event.type === 'install') continue;
            const values = want.get(event.testerId) ?? { crashCount: 0, sessionCount: 0, feedbackCount: 0 };
            if (event.type === 'session') values.sessionCount++;
            if (event.type === 'crash') values.crashCount++;
            if (event.type === 'feedback') values.feedbackCount++;
            want.set(event.testerId, values);
          }
          const got = await store.sumUsageByTester('a1', testers, first, last);
          expect(Object.fromEntries(got), `${first}..${last}`).toEqual(Object.fromEntries(want));
        }
      };
      await append(randomEvents(600, '2023-01-01', 560));
      await expectSums();
      const version = await store.appDataVersion('a1');
      await append(randomEvents(80, '2023-03-01', 300));
      expect(await store.appDataVersion('a1')).not.toBe(version);
      await expectSums();
    });

    it('raise the data version with every write that adds events, and only then', async () => {
      const store = context.store();
      await context.seedApps();
      expect(await store.appDataVersion('nope')).toBeUndefined();
      const start = await store.appDataVersion('a1');
      await store.appendUsageEvents([context.event('v1')]);
      const afterEvent = await store.appDataVersion('a1');
      expect(afterEvent).not.toBe(start);
      await store.appendUsageEvents([context.event('v1')]);
      expect(await store.appDataVersion('a1')).toBe(afterEvent);
      expect(await store.appDataVersion('a2')).toBe(await store.appDataVersion('a2'));
      const other = await store.appDataVersion('a2');
      await store.appendUsageEvents([context.event('v2')]);
      expect(await store.appDataVersion('a2')).toBe(other);
    });
  });
}
