import { beforeEach, describe, expect, it } from 'vitest';
import { addPreReleaseVersion, enablePublicLink } from '../../test/support/testflight-rows.js';
import { addDays } from '../domain/calendar-day.js';
import type { BuildUsage } from '../domain/records/build-usage.js';
import type { TesterRecord } from '../domain/records/tester.js';
import type { UsageEventRecord } from '../domain/records/usage-event-record.js';
import { SeededRandom } from '../services/demo/seeded-random.js';
import type { Store } from './store.js';

/**
 * The dashboard's builds and groups reads (dashboard-store.ts), checked against straightforward sums of the raw
 * events; every backend runs this through describeDashboardStore.
 */
export function describeDashboardBuildsAndGroups(context: { store(): Store }): void {
  describe('builds and groups', () => {
    let store: Store;
    const APP = 'a1';
    const testers: TesterRecord[] = Array.from({ length: 9 }, (_, i) => ({
      id: `t${i}`,
      email: `t${i}@example.com`,
      firstName: `Tester${i}`,
      lastName: null,
      inviteType: 'EMAIL',
      createdAt: '2023-01-01T00:00:00.000Z',
    }));
    const raw: UsageEventRecord[] = [];
    // 413 is a build without a pre-release version; 999 names no build; undefined names none.
    const NUMBERS = ['410', '411', '412', '413', '999', undefined] as const;

    beforeEach(async () => {
      store = context.store();
      raw.length = 0;
      for (const id of [APP, 'a2']) {
        await store.createApp({
          id,
          name: `App ${id}`,
          bundleId: `com.example.${id}`,
          sku: id,
          primaryLocale: 'en-US',
          createdAt: '2023-01-01T00:00:00.000Z',
        });
      }
      await store.createTesters(testers);
      // t8 tests a2 only.
      await store.addTestersToApps(
        testers.map((t) => ({
          appId: t.id === 't8' ? 'a2' : APP,
          testerId: t.id,
          state: 'INVITED',
          invitedAt: '2023-01-02T00:00:00.000Z',
        })),
      );
      const build = (appId: string, number: string, uploadedAt: string) =>
        store.createBuild({ id: `${appId}-${number}`, appId, version: number, uploadedAt });
      await build(APP, '410', '2023-05-01T00:00:00.000Z');
      await build(APP, '412', '2023-06-01T00:00:00.000Z');
      await build(APP, '411', '2023-05-15T00:00:00.000Z');
      await build(APP, '413', '2023-06-10T00:00:00.000Z');
      await build('a2', '410', '2023-05-01T00:00:00.000Z');
      await addPreReleaseVersion(store, { id: 'v14', appId: APP, version: '1.4', platform: 'IOS' }, [
        'a1-410',
        'a1-411',
      ]);
      await addPreReleaseVersion(store, { id: 'v15', appId: APP, version: '1.5', platform: 'IOS' }, [
        'a1-412',
      ]);

      const random = new SeededRandom(11);
      const types: UsageEventRecord['type'][] = [
        'session',
        'session',
        'session',
        'crash',
        'feedback',
        'install',
      ];
      for (let i = 0; i < 700; i++) {
        const at = new Date(Date.parse('2023-05-01T00:00:00Z') + random.int(0, 120 * 86_400 - 1) * 1000);
        const appId = random.chance(0.85) ? APP : 'a2';
        const number = appId === APP ? NUMBERS[random.int(0, NUMBERS.length - 1)] : '410';
        raw.push({
          id: `e${i}`,
          appId,
          testerId: appId === APP ? `t${random.int(0, 7)}` : 't8',
          type: random.pick(types),
          occurredAt: at.toISOString(),
          receivedAt: at.toISOString(),
          ...(number !== undefined && { build: number }),
        });
      }
      for (let i = 0; i < raw.length; i += 200) await store.appendUsageEvents(raw.slice(i, i + 200));
      raw.splice(0, raw.length, ...raw.filter((event) => event.appId === APP));
    });

    /** Per build number ('' for none) over first..last, straight from the events. */
    const rawByNumber = (first: string, last: string) => {
      const testersOf = new Map<string, Set<string>>();
      const usage = new Map<string, BuildUsage>();
      for (const event of raw) {
        const day = event.occurredAt.slice(0, 10);
        if (day < first || day > last) continue;
        const number = event.build ?? '';
        testersOf.set(number, (testersOf.get(number) ?? new Set()).add(event.testerId));
        const values = usage.get(number)?.values ?? { crashCount: 0, sessionCount: 0, feedbackCount: 0 };
        if (event.type === 'session') values.sessionCount++;
        if (event.type === 'crash') values.crashCount++;
        if (event.type === 'feedback') values.feedbackCount++;
        usage.set(number, { testers: testersOf.get(number)?.size ?? 0, values });
      }
      return { usage, testersOf };
    };
    const none: BuildUsage = { testers: 0, values: { crashCount: 0, sessionCount: 0, feedbackCount: 0 } };

    it('lists every build newest first with its pre-release version and usage, and sums the rest apart', async () => {
      const random = new SeededRandom(3);
      const windows = [
        ['2023-05-01', '2023-08-28'],
        ['2023-06-01', '2023-06-01'],
        ...Array.from({ length: 8 }, () => {
          const first = addDays('2023-04-20', random.int(0, 120));
          return [first, addDays(first, random.pick([0, 6, 29, 89]))];
        }),
      ] as const;
      for (const [first, last] of windows) {
        const { usage, testersOf } = rawByNumber(first, last);
        const report = await store.listBuildUsage(APP, first, last);
        expect(
          report.builds.map((b) => [b.buildId, b.number, b.uploadedAt, b.preRelease]),
          `${first}..${last}`,
        ).toEqual([
          ['a1-413', '413', '2023-06-10T00:00:00.000Z', null],
          ['a1-412', '412', '2023-06-01T00:00:00.000Z', { version: '1.5', platform: 'IOS' }],
          ['a1-411', '411', '2023-05-15T00:00:00.000Z', { version: '1.4', platform: 'IOS' }],
          ['a1-410', '410', '2023-05-01T00:00:00.000Z', { version: '1.4', platform: 'IOS' }],
        ]);
        for (const build of report.builds) {
          const { buildId, number, uploadedAt, preRelease, ...got } = build;
          expect(got, `${number} ${first}..${last}`).toEqual(usage.get(number) ?? none);
        }
        const rest = ['', '999'].filter((number) => usage.has(number));
        if (rest.length === 0) expect(report.unmatched).toBeUndefined();
        else
          expect(report.unmatched, `${first}..${last}`).toEqual({
            numbers: rest,
            testers: new Set(rest.flatMap((number) => [...(testersOf.get(number) ?? [])])).size,
            values: {
              crashCount: rest.reduce((sum, n) => sum + (usage.get(n)?.values.crashCount ?? 0), 0),
              sessionCount: rest.reduce((sum, n) => sum + (usage.get(n)?.values.sessionCount ?? 0), 0),
              feedbackCount: rest.reduce((sum, n) => sum + (usage.get(n)?.values.feedbackCount ?? 0), 0),
            },
          });
        // The builds and the rest add up to the app's usage of the window.
        const sessions = [...report.builds, ...(report.unmatched ? [report.unmatched] : [])].reduce(
          (sum, b) => sum + b.values.sessionCount,
          0,
        );
        expect(sessions).toBe((await store.sumAppUsage(APP, first, last)).values.sessionCount);
      }
    });

    it('reads no build of another app, and none of an app without builds', async () => {
      const a2 = await store.listBuildUsage('a2', '2023-05-01', '2023-08-28');
      expect(a2.builds.map((b) => [b.buildId, b.preRelease])).toEqual([['a2-410', null]]);
      expect(a2.builds[0]?.testers).toBe(1);
      expect(a2.unmatched).toBeUndefined();
      await store.createApp({
        id: 'a3',
        name: 'App a3',
        bundleId: 'com.example.a3',
        sku: 'a3',
        primaryLocale: 'en-US',
        createdAt: '2023-01-01T00:00:00.000Z',
      });
      expect(await store.listBuildUsage('a3', '2023-05-01', '2023-08-28')).toEqual({
        builds: [],
        unmatched: undefined,
      });
    });

    describe('groups', () => {
      beforeEach(async () => {
        const group = (id: string, appId: string, name: string, isInternal: boolean, members: string[]) =>
          store.createBetaGroup(
            { id, appId, name, isInternal, createdAt: '2023-01-03T00:00:00.000Z' },
            members,
          );
        await group('g-z', APP, 'Zeta crew', true, ['t0', 't1']);
        // A group holds testers of its app only (the store refuses others), so t8 of a2 is in none of a1's.
        await group('g-a', APP, 'alpha', false, ['t2', 't3', 't4']);
        await group('g-b', APP, 'Beta', false, []);
        // Names are unique within an app in any case (migration 0010): no two of these tie.
        await group('g-b2', APP, 'Beta 2', false, ['t5']);
        await group('g-other', 'a2', 'Other app', false, ['t8']);
        await enablePublicLink(store, 'g-a');
      });

      it('lists an app’s groups, internal first and then by name, with the testers of the app in each', async () => {
        const groups = await store.listBetaGroupSummaries(APP);
        expect(groups.map((g) => [g.id, g.name, g.isInternal, g.publicLinkEnabled, g.testers])).toEqual([
          ['g-z', 'Zeta crew', true, false, 2],
          ['g-b', 'Beta', false, false, 0],
          ['g-b2', 'Beta 2', false, false, 1],
          ['g-a', 'alpha', false, true, 3],
        ]);
        expect(groups[0]).toEqual({
          id: 'g-z',
          appId: APP,
          name: 'Zeta crew',
          isInternal: true,
          publicLinkEnabled: false,
          createdAt: '2023-01-03T00:00:00.000Z',
          testers: 2,
        });
        expect(await store.findBetaGroupSummary(APP, 'g-a')).toEqual(groups[3]);
        expect(await store.findBetaGroupSummary(APP, 'g-other')).toBeUndefined();
        expect(await store.findBetaGroupSummary(APP, 'nope')).toBeUndefined();
        expect(await store.listBetaGroupSummaries('a3')).toEqual([]);
      });

      it("pages a group's testers with the numbers the app's table has for them", async () => {
        const query = {
          firstDay: '2023-05-01',
          lastDay: '2023-08-28',
          sort: 'sessions' as const,
          descending: true,
          offset: 0,
          limit: 50,
        };
        const everyone = await store.listTesterUsage(APP, query);
        const members = await store.listTesterUsage(APP, { ...query, groupId: 'g-a' });
        expect(members.map((r) => r.testerId).sort()).toEqual(['t2', 't3', 't4']);
        expect(members).toEqual(everyone.filter((r) => ['t2', 't3', 't4'].includes(r.testerId)));
        expect(await store.countAppTesters(APP, { groupId: 'g-a' })).toBe(3);
        expect(await store.countAppTesters(APP, { groupId: 'g-a', search: 'tester3' })).toBe(1);
        expect(
          (await store.listTesterUsage(APP, { ...query, groupId: 'g-a', search: 'TESTER3' })).map(
            (r) => r.testerId,
          ),
        ).toEqual(['t3']);
        expect(await store.listTesterUsage(APP, { ...query, groupId: 'g-b' })).toEqual([]);
        expect(await store.countAppTesters(APP, { groupId: 'g-other' })).toBe(0);
      });
    });
  });
}
