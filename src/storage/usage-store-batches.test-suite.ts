import { describe, expect, it } from 'vitest';
import { addDays } from '../domain/calendar-day.js';
import type { UsageEventRecord } from '../domain/records/usage-event-record.js';
import { SeededRandom } from '../services/demo/seeded-random.js';
import type { Store } from './store.js';
import type { StoreSuiteContext } from './store.test-suite.js';

/**
 * Batches of more rows than one statement of the write path holds (queries/fixed-inserts.ts: statements of a
 * few fixed sizes), on every backend: written whole, they store and count what the same events written one at a
 * time do, each id once however often it repeats, within the batch or sent again while it is being written.
 */
export function describeBatchStore(context: StoreSuiteContext): void {
  describe('large batches', () => {
    const testers = ['t1', 't2', 't3'];
    const types: UsageEventRecord['type'][] = ['session', 'session', 'crash', 'feedback', 'install'];

    /** `n` events of app a1 with distinct ids, over 400 days, 3 testers and 2 builds: many rollup rows. */
    const randomEvents = (n: number, seed: number) => {
      const random = new SeededRandom(seed);
      return Array.from({ length: n }, (_, i) =>
        context.event(`big-${seed}-${i}`, {
          testerId: random.pick(testers),
          type: random.pick(types),
          occurredAt: new Date(
            Date.parse('2023-01-01T00:00:00Z') + random.int(0, 400 * 86_400 - 1) * 1000,
          ).toISOString(),
          build: String(random.int(1, 2)),
          platform: random.pick(['IOS', 'MAC_OS']),
          device: `iPhone${random.int(10, 16)},1`,
          osVersion: '18.5',
        }),
      );
    };

    /** Everything ingestion writes that reads can show of app `appId`: events, sums, installed testers. */
    const written = async (store: Store, appId: string) => {
      const events = await store.listUsageEvents(appId, undefined, 10_000);
      const sums = [];
      for (let first = '2023-01-01'; first < '2024-03-01'; first = addDays(first, 23)) {
        sums.push(
          Object.fromEntries(await store.sumUsageByTester(appId, testers, first, addDays(first, 40))),
        );
      }
      return {
        events: events.map(({ appId: _app, ...event }) => event),
        sums,
        installed: await store.listInstalledTesterIds(appId, {}, { limit: 10 }),
        months: Object.fromEntries(await store.sumUsageByTester(appId, testers, '2023-01-01', '2024-12-31')),
      };
    };

    it('store and count a batch of 700 with ids repeated in it as its events written one at a time', async () => {
      const store = context.store();
      await context.seedApps();
      await store.addTestersToApps(
        testers.map((testerId) => ({
          appId: 'a2',
          testerId,
          state: 'INVITED' as const,
          invitedAt: '2023-01-02T00:00:00.000Z',
        })),
      );
      const events = randomEvents(600, 7);
      const random = new SeededRandom(8);
      const repeats = Array.from({ length: 100 }, () => random.pick(events));
      const batch = [...events, ...repeats];
      for (let i = batch.length - 1; i > 0; i--) {
        const j = random.int(0, i);
        [batch[i], batch[j]] = [batch[j] as UsageEventRecord, batch[i] as UsageEventRecord];
      }

      expect(await store.appendUsageEvents(batch)).toEqual({ accepted: 600, duplicates: 100 });
      for (const event of events) {
        expect(await store.appendUsageEvents([{ ...event, appId: 'a2' }])).toEqual({
          accepted: 1,
          duplicates: 0,
        });
      }

      const whole = await written(store, 'a1');
      expect(whole).toEqual(await written(store, 'a2'));
      expect(whole.events).toHaveLength(600);
      expect(whole.installed).toEqual(testers);
      const stats = new Map((await store.ingestStats()).map((app) => [app.appId, app]));
      expect(stats.get('a1')).toMatchObject({ accepted: 600, duplicates: 100 });
      expect(stats.get('a2')).toMatchObject({ accepted: 600, duplicates: 0 });
    });

    it('count a batch sent again while it is being written once, however often', async () => {
      const store = context.store();
      await context.seedApps();
      const batch = randomEvents(700, 9);
      const results = await Promise.all([
        store.appendUsageEvents(batch),
        store.appendUsageEvents(batch),
        store.appendUsageEvents(batch.slice(350)),
        store.appendUsageEvents(batch),
      ]);
      expect(results.reduce((sum, result) => sum + result.accepted, 0)).toBe(700);
      expect(results.reduce((sum, result) => sum + result.duplicates, 0)).toBe(3 * 700 + 350 - 700);
      const sums = await store.sumUsageByTester('a1', testers, '2023-01-01', '2024-12-31');
      let counted = 0;
      for (const values of sums.values())
        counted += values.sessionCount + values.crashCount + values.feedbackCount;
      expect(counted).toBe(batch.filter((event) => event.type !== 'install').length);
      expect(await store.listUsageEvents('a1', undefined, 10_000)).toHaveLength(700);
    });

    it('store nothing of a batch that fails in its last rows: no event, sum, install or count', async () => {
      const store = context.store();
      await context.seedApps();
      // Sorted last by id, so the rows before it went in by earlier statements where a backend writes several.
      const broken = { ...context.event('zz-broken'), testerId: null } as unknown as UsageEventRecord;
      await expect(store.appendUsageEvents([...randomEvents(300, 11), broken])).rejects.toThrow();
      expect(await store.listUsageEvents('a1', undefined, 10)).toEqual([]);
      expect(await store.sumUsageByTester('a1', testers, '2023-01-01', '2024-12-31')).toEqual(new Map());
      expect(await store.listInstalledTesterIds('a1', {}, { limit: 10 })).toEqual([]);
      expect((await store.ingestStats()).filter((app) => app.accepted > 0)).toEqual([]);
      expect(await store.appendUsageEvents(randomEvents(300, 11))).toEqual({ accepted: 300, duplicates: 0 });
    });

    it('keep every text as sent, whatever a list or array syntax would make of it', async () => {
      const store = context.store();
      await context.seedApps();
      const texts = ['', 'NULL', 'null', '"', 'a "b", {c} \\ d', '{1,2}', 'x\ny\tz', "it's", 'é 😀', ' ( ) '];
      const events = texts.map((text, i) =>
        context.event(`${text}-${i}`, {
          occurredAt: `2023-10-05T10:00:0${i}.000Z`,
          build: `7${text}`,
          platform: text,
          device: text,
          osVersion: text,
        }),
      );
      expect(await store.appendUsageEvents([...events, context.event('plain')])).toEqual({
        accepted: texts.length + 1,
        duplicates: 0,
      });
      expect(await store.appendUsageEvents(events)).toEqual({ accepted: 0, duplicates: texts.length });
      const listed = await store.listUsageEvents('a1', undefined, 100);
      expect(listed.filter((event) => event.id !== 'plain')).toEqual(events);
      expect(
        (await store.sumUsageByTester('a1', ['t1'], '2023-10-05', '2023-10-05')).get('t1'),
      ).toMatchObject({
        sessionCount: texts.length + 1,
      });
    });
  });
}
