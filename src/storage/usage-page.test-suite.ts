import { describe, expect, it } from 'vitest';
import type { UsageValues } from '../domain/usage-values.js';
import type { StoreSuiteContext } from './store.test-suite.js';
import type { InstalledTesterFilter, UsagePage, UsagePageWindow } from './usage-store.js';

/**
 * UsageStore.readUsagePage, the metrics page in one statement (queries/usage.ts), against the reads it stands
 * for, made apart: listInstalledTesterIds, countInstalledTesters, sumUsageByTester and appDataVersion. Every
 * backend runs this through describeStore.
 */
export function describeUsagePageStore(context: StoreSuiteContext): void {
  describe('a metrics page in one statement', () => {
    const testers = Array.from({ length: 9 }, (_, i) => `p${i}`);
    // Over whole months and runs of days, both signs (domain/month-split.ts), and days alone.
    const windows = [
      ['2023-08-20', '2023-10-05'],
      ['2023-09-01', '2023-09-30'],
      ['2023-10-04', '2023-10-05'],
      ['2023-09-10', '2023-10-20'],
    ] as const;

    async function seed() {
      const store = context.store();
      await context.seedApps();
      await context.seedTesters(testers);
      // p0..p6 installed, with usage on days that fall inside some windows and outside others; p7, p8 invited.
      const days = ['2023-08-25', '2023-09-10', '2023-09-28', '2023-10-05', '2023-10-15'];
      await store.appendUsageEvents(
        testers.slice(0, 7).flatMap((testerId, i) =>
          days.slice(0, 1 + (i % days.length)).map((day, j) =>
            context.event(`${testerId}-${j}`, {
              testerId,
              occurredAt: `${day}T08:00:00.000Z`,
              type: j % 3 === 2 ? 'crash' : 'session',
            }),
          ),
        ),
      );
      await store.createBetaGroup(
        { id: 'g1', appId: 'a1', name: 'Group g1', isInternal: false, createdAt: '2023-01-01T00:00:00.000Z' },
        ['p1', 'p2', 'p5', 'p8'],
      );
    }

    /** The reads apart have no listing version to compare with: the test below covers it. */
    function withoutListingVersion({ listingVersion: _, ...page }: UsagePage) {
      return page;
    }

    /** The page as the reads apart give it. */
    async function apart(
      filter: InstalledTesterFilter,
      offset: number,
      limit: number,
      [firstDay, lastDay]: readonly [string, string],
    ) {
      const store = context.store();
      const ids = await store.listInstalledTesterIds('a1', filter, { offset, limit });
      if (ids.length === 0) return undefined;
      const sums = await store.sumUsageByTester('a1', ids, firstDay, lastDay);
      return {
        version: await store.appDataVersion('a1'),
        total: await store.countInstalledTesters('a1', filter),
        rows: ids.map((testerId) => {
          const values: UsageValues | undefined = sums.get(testerId);
          return values === undefined ? { testerId } : { testerId, values };
        }),
      };
    }

    /** The page as readUsagePage gives it in one statement, without the listing version the reads apart lack. */
    function inOneStatement(
      filter: InstalledTesterFilter,
      window: UsagePageWindow,
      [firstDay, lastDay]: readonly [string, string],
    ) {
      return context
        .store()
        .statement((reader) => reader.readUsagePage('a1', filter, window, firstDay, lastDay))
        .then((page) => page && withoutListingVersion(page));
    }

    it('gives what the reads apart give, for every filter, window and place in the listing', async () => {
      await seed();
      const store = context.store();
      const filters: InstalledTesterFilter[] = [
        {},
        { groupId: 'g1' },
        { testerId: 'p4' },
        { groupId: 'g1', testerId: 'p4' },
      ];
      let compared = 0;
      for (const filter of filters) {
        for (const window of windows) {
          for (const [offset, limit] of [
            [0, 4],
            [2, 3],
            [5, 10],
            [0, 100],
          ] as const) {
            const expected = await apart(filter, offset, limit, window);
            const once = await inOneStatement(filter, { offset, limit }, window);
            expect({ filter, window, offset, limit, page: once }).toEqual({
              filter,
              window,
              offset,
              limit,
              page: expected,
            });
            if (expected !== undefined) compared++;
          }
        }
      }
      // Most of them hold testers: the comparison is not of empty pages.
      expect(compared).toBeGreaterThan(30);
      const all = await store.statement((reader) =>
        reader.readUsagePage('a1', {}, { offset: 0, limit: 100 }, '2023-08-20', '2023-10-20'),
      );
      expect(all?.total).toBe(7);
      expect(all?.rows.filter((row) => row.values !== undefined).length).toBe(7);
    });

    it('reads from a tester on as from its place in the listing, whatever the offset', async () => {
      await seed();
      const store = context.store();
      let compared = 0;
      for (const filter of [{}, { groupId: 'g1' }] as InstalledTesterFilter[]) {
        const ids = await store.listInstalledTesterIds('a1', filter, { offset: 0, limit: 100 });
        // Each listed tester, and ids that sort between them (a tester gone since): the first at or after it.
        for (const fromId of [...ids, ...ids.map((id) => `${id}-gone`), 'p', 'q']) {
          const place = ids.findIndex((id) => id >= fromId);
          for (const window of windows) {
            const expected = place < 0 ? undefined : await apart(filter, place, 3, window);
            // An offset no page of these has: that the rows are right shows `fromId` decided.
            const once = await inOneStatement(filter, { offset: 50, limit: 3, fromId }, window);
            expect({ filter, fromId, window, page: once }).toEqual({
              filter,
              fromId,
              window,
              page: expected,
            });
            if (expected !== undefined) compared++;
          }
        }
      }
      expect(compared).toBeGreaterThan(40);
    });

    it('takes a known total at the listing version it was counted at, and counts again at any other', async () => {
      await seed();
      const store = context.store();
      const read = (filter: InstalledTesterFilter, known?: { listingVersion: string; total: number }) =>
        store.statement((reader) =>
          reader.readUsagePage('a1', filter, { offset: 0, limit: 3 }, '2023-09-01', '2023-10-05', known),
        );
      const counted = await read({});
      const listingVersion = counted?.listingVersion ?? '';
      expect(counted?.total).toBe(7);
      // A number no count gives: that it comes back shows the count was skipped.
      expect(await read({}, { listingVersion, total: 1234 })).toEqual({ ...counted, total: 1234 });
      expect(
        (await read({}, { listingVersion: String(Number(listingVersion) + 1), total: 1234 }))?.total,
      ).toBe(7);

      // Usage of testers installed already: a new data version, the same listings, the known total taken.
      await store.appendUsageEvents([
        context.event('again-1', { testerId: 'p1' }),
        context.event('again-2', { testerId: 'p3', occurredAt: '2023-09-02T08:00:00.000Z' }),
      ]);
      const afterUsage = await read({}, { listingVersion, total: 1234 });
      expect(afterUsage?.version).not.toBe(counted?.version);
      expect(afterUsage?.listingVersion).toBe(listingVersion);
      expect(afterUsage?.total).toBe(1234);

      // A tester's first event makes them INSTALLED: a new listing version, counted again.
      await store.appendUsageEvents([context.event('late', { testerId: 'p8' })]);
      const afterInstall = await read({}, { listingVersion, total: 7 });
      expect(afterInstall?.listingVersion).not.toBe(listingVersion);
      expect(afterInstall?.total).toBe(8);

      // One write of two apps' events: only the app whose tester is newly INSTALLED lists anew.
      await store.addTestersToApps(
        ['p1', 'p2'].map((testerId) => ({
          appId: 'a2',
          testerId,
          state: 'INVITED' as const,
          invitedAt: '2023-01-02T00:00:00.000Z',
        })),
      );
      await store.appendUsageEvents([context.event('a2-first', { appId: 'a2', testerId: 'p2' })]);
      const readApp = (appId: string, known?: { listingVersion: string; total: number }) =>
        store.statement((reader) =>
          reader.readUsagePage(appId, {}, { offset: 0, limit: 3 }, '2023-09-01', '2023-10-05', known),
        );
      const [a1Before, a2Before] = [await readApp('a1'), await readApp('a2')];
      expect(a2Before?.total).toBe(1);
      await store.appendUsageEvents([
        context.event('both-1', { testerId: 'p1' }),
        context.event('both-2', { appId: 'a2', testerId: 'p1' }),
      ]);
      const a1After = await readApp('a1', { listingVersion: a1Before?.listingVersion ?? '', total: 1234 });
      expect(a1After?.listingVersion).toBe(a1Before?.listingVersion);
      expect(a1After?.total).toBe(1234);
      const a2After = await readApp('a2', { listingVersion: a2Before?.listingVersion ?? '', total: 1234 });
      expect(a2After?.listingVersion).not.toBe(a2Before?.listingVersion);
      expect(a2After?.total).toBe(2);

      // Any other write that raises the data version raises the listing version: a member added to a group.
      const group = await read({ groupId: 'g1' });
      expect(group?.total).toBe(4);
      await store.addToBetaGroup('g1', { testerIds: ['p3'] });
      const afterMember = await read(
        { groupId: 'g1' },
        { listingVersion: group?.listingVersion ?? '', total: 4 },
      );
      expect(afterMember?.listingVersion).not.toBe(group?.listingVersion);
      expect(afterMember?.total).toBe(5);
    });

    it('reads nothing past the end, of an app without installed testers, or of no app', async () => {
      await seed();
      const store = context.store();
      const read = (appId: string, offset: number) =>
        store.statement((reader) =>
          reader.readUsagePage(appId, {}, { offset, limit: 5 }, '2023-09-01', '2023-10-05'),
        );
      expect(await read('a1', 7)).toBeUndefined();
      expect(await read('a1', 6)).toMatchObject({ total: 7, rows: [{ testerId: 'p6' }] });
      expect(await read('a2', 0)).toBeUndefined();
      expect(await read('nope', 0)).toBeUndefined();
    });
  });
}
