import { beforeEach, describe, expect, it } from 'vitest';
import type { UsageEventRecord } from '../domain/records/usage-event-record.js';
import type { Store } from './store.js';
import type { StoreSuiteContext } from './store.test-suite.js';

/**
 * UsageStore (usage-store.ts): events stored exactly once, sums, installed testers, raw events and pruning, on
 * every backend.
 */
export function describeUsageStore(context: StoreSuiteContext): void {
  const { app, event, seedTesters, openHandle, capabilities } = context;
  describe('UsageStore', () => {
    let store: Store;
    beforeEach(() => {
      store = context.store();
    });

    describe('usage', () => {
      beforeEach(async () => {
        await store.createApp(app('a1'));
        await store.createApp(app('a2'));
        await seedTesters(['t1', 't2', 't3']);
      });

      it('counts each event id once, within a batch and across batches', async () => {
        const first = await store.appendUsageEvents([event('e1'), event('e2'), event('e1')]);
        expect(first).toEqual({ accepted: 2, duplicates: 1 });
        const second = await store.appendUsageEvents([event('e2'), event('e3', { type: 'crash' })]);
        expect(second).toEqual({ accepted: 1, duplicates: 1 });
        const sums = await store.sumUsageByTester('a1', ['t1'], '2023-10-01', '2023-10-31');
        expect(sums.get('t1')).toEqual({ crashCount: 1, sessionCount: 2, feedbackCount: 0 });
      });

      // One handle, as in a server: its writes race on a pooled backend. (Two SQLite handles in one thread would
      // deadlock: better-sqlite3 waits for a lock synchronously, so the holder can never
      // run to release it. Processes sharing a SQLite file wait for each other properly.)
      it('counts overlapping batches written at the same time once', async () => {
        const batch = (from: number) => Array.from({ length: 300 }, (_, i) => event(`e${from + i}`));
        const results = await Promise.all([
          store.appendUsageEvents(batch(0)),
          store.appendUsageEvents(batch(150)),
          store.appendUsageEvents(batch(100)),
        ]);
        expect(results.reduce((sum, r) => sum + r.accepted, 0)).toBe(450);
        const sums = await store.sumUsageByTester('a1', ['t1'], '2023-10-05', '2023-10-05');
        expect(sums.get('t1')?.sessionCount).toBe(450);
      });

      it('keeps event ids per app: the same id in another app is a new event', async () => {
        await store.addTestersToApps([
          { appId: 'a2', testerId: 't1', state: 'INVITED', invitedAt: '2023-01-02T00:00:00.000Z' },
        ]);
        expect(
          await store.appendUsageEvents([event('shared-1'), event('shared-1', { appId: 'a2' })]),
        ).toEqual({
          accepted: 2,
          duplicates: 0,
        });
        expect(await store.appendUsageEvents([event('shared-1', { appId: 'a2' })])).toEqual({
          accepted: 0,
          duplicates: 1,
        });
        for (const appId of ['a1', 'a2']) {
          const sums = await store.sumUsageByTester(appId, ['t1'], '2023-10-05', '2023-10-05');
          expect(sums.get('t1')?.sessionCount, appId).toBe(1);
        }
      });

      it.runIf(capabilities.concurrentHandles)(
        'counts overlapping batches written at once through two handles (two nodes) once',
        async () => {
          const other = await openHandle();
          const batch = (from: number) => Array.from({ length: 400 }, (_, i) => event(`n${from + i}`));
          const results = await Promise.all([
            store.appendUsageEvents(batch(0)),
            other.appendUsageEvents(batch(200)),
            other.appendUsageEvents(batch(100)),
            store.appendUsageEvents(batch(300)),
          ]);
          expect(results.reduce((sum, r) => sum + r.accepted, 0)).toBe(700);
          const sums = await other.sumUsageByTester('a1', ['t1'], '2023-10-05', '2023-10-05');
          expect(sums.get('t1')?.sessionCount).toBe(700);
          expect((await store.ingestStats())[0]).toMatchObject({ accepted: 700, duplicates: 900 });
        },
      );

      it('sums only the days asked for, both ends included, per tester and app', async () => {
        await store.appendUsageEvents([
          event('d0', { occurredAt: '2023-10-04T23:59:59.999Z' }),
          event('d1', { occurredAt: '2023-10-05T00:00:00.000Z' }),
          event('d2', { occurredAt: '2023-10-06T23:59:59.999Z', type: 'feedback' }),
          event('d3', { occurredAt: '2023-10-07T00:00:00.000Z' }),
          event('d4', { occurredAt: '2023-10-05T12:00:00.000Z', testerId: 't2', build: '42' }),
          event('d5', { occurredAt: '2023-10-05T12:00:00.000Z', testerId: 't2', build: '43' }),
          event('d6', { occurredAt: '2023-10-05T12:00:00.000Z', appId: 'a2' }),
        ]);
        const sums = await store.sumUsageByTester('a1', ['t1', 't2', 't3'], '2023-10-05', '2023-10-06');
        expect(sums.get('t1')).toEqual({ crashCount: 0, sessionCount: 1, feedbackCount: 1 });
        expect(sums.get('t2')).toEqual({ crashCount: 0, sessionCount: 2, feedbackCount: 0 });
        expect(sums.has('t3')).toBe(false);
      });

      // PostgreSQL binds the ids as one array (backend-specifics.ts, oneOf): its text must keep every id whole.
      // SQLite binds them as one JSON array (sqlite/dialect.ts, oneOf): json_each must give back each id as stored.
      it('sums a page of testers whose ids an array literal must quote, over whole months and days', async () => {
        const odd = ['t"q', 't\\b', 't,c', '{t}', 't s', 'NULL', "t'a", 't\\u0041', '[t]', 'tü😀'];
        await seedTesters(odd);
        // Ids the store keeps though JSON must escape them: SQLite keeps a NUL; PostgreSQL refuses it, and both a
        // lone surrogate.
        for (const id of ['n\u0000ul', 'a\ud800b']) {
          const stored = await seedTesters([id]).then(
            () => true,
            () => false,
          );
          if (stored) odd.push(id);
        }
        const events = odd.flatMap((testerId, i) => [
          event(`m${i}`, { testerId, occurredAt: '2023-09-10T00:00:00.000Z' }),
          event(`d${i}`, { testerId, occurredAt: '2023-10-05T00:00:00.000Z', type: 'crash' }),
        ]);
        await store.appendUsageEvents(events);
        const absent = Array.from({ length: 250 }, (_, i) => `absent-${i}`);
        const sums = await store.sumUsageByTester(
          'a1',
          [...absent, ...odd, 't1'],
          '2023-09-01',
          '2023-10-05',
        );
        expect(new Map(sums)).toEqual(
          new Map(odd.map((id) => [id, { crashCount: 1, sessionCount: 1, feedbackCount: 0 }])),
        );
        const days = await store.sumUsageByTester('a1', ['t,c', 'NULL'], '2023-10-05', '2023-10-05');
        expect([...days.keys()].sort()).toEqual(['NULL', 't,c']);
      });
    });

    describe('ingestion', () => {
      beforeEach(async () => {
        await context.seedIngestion();
      });

      describe('batches written at once', () => {
        it('answers each as if written alone, each id accepted in exactly one of them', async () => {
          const results = await Promise.all([
            store.appendUsageEvents([event('g1'), event('g2')]),
            store.appendUsageEvents([event('g2'), event('g3'), event('g3')]),
            store.appendUsageEvents([event('g3'), event('g4')]),
            store.appendUsageEvents([event('g1')]),
          ]);
          // Which batch gets an id shared with another depends on which commits first (PostgreSQL runs them side
          // by side); every batch is answered for all of its events, and the four ids are accepted once in all.
          expect(results.map((result) => result.accepted + result.duplicates)).toEqual([2, 3, 2, 1]);
          expect(results.reduce((sum, result) => sum + result.accepted, 0)).toBe(4);
          expect(results[1]?.duplicates).toBeGreaterThanOrEqual(1);
          expect(
            (await store.sumUsageByTester('a1', ['t1'], '2023-10-05', '2023-10-05')).get('t1')?.sessionCount,
          ).toBe(4);
        });

        it('fails only the batch that cannot be written, not the others written with it', async () => {
          const broken = { ...event('b2'), testerId: null } as unknown as ReturnType<typeof event>;
          const results = await Promise.allSettled([
            store.appendUsageEvents([event('b1')]),
            store.appendUsageEvents([broken]),
            store.appendUsageEvents([event('b3'), event('b1')]),
          ]);
          expect(results.map((result) => result.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
          // b1 is in the first batch and the third: whichever commits first accepts it (PostgreSQL runs them
          // side by side, as above), the other answers it as a duplicate; the third's b3 is accepted either way.
          const [first, , third] = results.map((result) =>
            result.status === 'fulfilled' ? result.value : undefined,
          );
          expect([first?.accepted, first?.duplicates]).toEqual(third?.duplicates === 1 ? [1, 0] : [0, 1]);
          expect([third?.accepted, third?.duplicates]).toEqual(first?.accepted === 1 ? [1, 1] : [2, 0]);
          expect((await store.listUsageEvents('a1', undefined, 10)).map((e) => e.id)).toEqual(['b1', 'b3']);
        });
      });

      describe('raw events', () => {
        it('lists an app’s events by occurredAt, then id, page after page, with every field kept', async () => {
          const full = event('m', {
            occurredAt: '2023-10-03T00:00:00.000Z',
            type: 'crash',
            build: '42',
            platform: 'iOS',
            device: 'iPhone15,2',
            osVersion: '17.0',
          });
          await store.appendUsageEvents([
            event('z', { occurredAt: '2023-10-01T00:00:00.000Z' }),
            event('b', { occurredAt: '2023-10-02T00:00:00.000Z' }),
            event('a', { occurredAt: '2023-10-02T00:00:00.000Z', type: 'feedback' }),
            full,
            event('c', { occurredAt: '2023-10-02T00:00:00.000Z', testerId: 't2' }),
            event('other', { occurredAt: '2023-10-02T00:00:00.000Z', appId: 'a2' }),
          ]);
          const order: string[] = [];
          let after: { occurredAt: string; id: string } | undefined;
          for (;;) {
            const page = await store.listUsageEvents('a1', after, 2);
            order.push(...page.map((e) => e.id));
            const last = page.at(-1);
            if (last === undefined) break;
            expect(page.length).toBeLessThanOrEqual(2);
            after = { occurredAt: last.occurredAt, id: last.id };
          }
          expect(order).toEqual(['z', 'a', 'b', 'c', 'm']);
          expect(
            await store.listUsageEvents('a1', { occurredAt: '2023-10-02T00:00:00.000Z', id: 'a' }, 10),
          ).toEqual([
            event('b', { occurredAt: '2023-10-02T00:00:00.000Z' }),
            event('c', { occurredAt: '2023-10-02T00:00:00.000Z', testerId: 't2' }),
            full,
          ]);
          expect((await store.listUsageEvents('a2', undefined, 10)).map((e) => e.id)).toEqual(['other']);
        });

        it('prunes only events before the instant, at most `limit` at a time, and keeps every sum', async () => {
          const old = (id: string, day: string, over: Partial<UsageEventRecord> = {}) =>
            event(id, { occurredAt: `${day}T12:00:00.000Z`, ...over });
          await store.appendUsageEvents([
            old('o1', '2022-01-01', { type: 'install' }),
            old('o2', '2022-01-02'),
            old('o3', '2022-01-03', { type: 'crash', testerId: 't2' }),
            old('o4', '2022-01-04', { appId: 'a2' }),
            old('edge', '2022-06-01', { occurredAt: '2022-06-01T00:00:00.000Z', type: 'feedback' }),
            old('new', '2023-10-01'),
          ]);
          const sums = () => store.sumUsageByTester('a1', ['t1', 't2'], '2021-01-01', '2023-12-31');
          const a2Sums = () => store.sumUsageByTester('a2', ['t1'], '2021-01-01', '2023-12-31');
          const before = {
            a1: await sums(),
            a2: await a2Sums(),
            installed: await store.countInstalledTesters('a1', {}),
          };

          expect(await store.pruneUsageEvents('2022-06-01T00:00:00.000Z', 3)).toBe(3);
          expect(await store.pruneUsageEvents('2022-06-01T00:00:00.000Z', 3)).toBe(1);
          expect(await store.pruneUsageEvents('2022-06-01T00:00:00.000Z', 3)).toBe(0);

          expect((await store.listUsageEvents('a1', undefined, 10)).map((e) => e.id)).toEqual([
            'edge',
            'new',
          ]);
          expect(await store.listUsageEvents('a2', undefined, 10)).toEqual([]);
          expect({
            a1: await sums(),
            a2: await a2Sums(),
            installed: await store.countInstalledTesters('a1', {}),
          }).toEqual(before);
          expect(before.a1).toEqual(
            new Map([
              ['t1', { crashCount: 0, sessionCount: 2, feedbackCount: 1 }],
              ['t2', { crashCount: 1, sessionCount: 0, feedbackCount: 0 }],
            ]),
          );
          expect(before.installed).toBe(2);
        });
      });
    });
  });
}
