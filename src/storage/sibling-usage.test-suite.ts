import { describe, expect, it } from 'vitest';
import { StoreReferenceError } from '../domain/store-problems.js';
import type { StoreSuiteContext } from './store.test-suite.js';

/**
 * The reads of the sibling metrics endpoints (queries/sibling-usage.ts) and the writes they depend on
 * (queries/group-links.ts, public-link events in append-usage.ts): sums against counts written out by hand, and
 * the data version every one of those writes raises. Every backend runs this through describeStore.
 */
export function describeSiblingUsageStore(context: StoreSuiteContext): void {
  describe('sibling metrics', () => {
    const group = (id: string, appId = 'a1') => ({
      id,
      appId,
      name: `Group ${id}`,
      isInternal: false,
      createdAt: '2023-01-01T00:00:00.000Z',
    });
    const build = (id: string, version: string, appId = 'a1') => ({
      id,
      appId,
      version,
      uploadedAt: '2023-09-01T00:00:00.000Z',
    });

    it('list and count the installed testers of a group only, and its app version moves with its members', async () => {
      const store = context.store();
      await context.seedApps();
      await store.appendUsageEvents([
        context.event('e1', { testerId: 't1' }),
        context.event('e2', { testerId: 't2' }),
      ]);
      const before = await store.appDataVersion('a1');
      await store.createBetaGroup(group('g1'), ['t2', 't3']);
      const created = await store.appDataVersion('a1');
      expect(created).not.toBe(before);
      expect(await store.groupDataVersion('g1')).toEqual({ appId: 'a1', version: created });
      expect(await store.groupDataVersion('nope')).toBeUndefined();
      // t3 is a member who never installed: absent, as from the app's own report.
      expect(await store.listInstalledTesterIds('a1', { groupId: 'g1' }, { limit: 10 })).toEqual(['t2']);
      expect(await store.countInstalledTesters('a1', { groupId: 'g1' })).toBe(1);
      await store.addToBetaGroup('g1', { testerIds: ['t1'] });
      expect(await store.appDataVersion('a1')).not.toBe(created);
      expect(await store.listInstalledTesterIds('a1', { groupId: 'g1' }, { limit: 10 })).toEqual([
        't1',
        't2',
      ]);
      expect(
        await store.listInstalledTesterIds('a1', { groupId: 'g1', testerId: 't1' }, { limit: 10 }),
      ).toEqual(['t1']);
      await expect(store.addToBetaGroup('nope', { testerIds: ['t1'] })).rejects.toBeInstanceOf(
        StoreReferenceError,
      );
      await expect(store.addToBetaGroup('g1', { testerIds: ['ghost'] })).rejects.toBeInstanceOf(
        StoreReferenceError,
      );
    });

    // The listing after an id bounds the group's members as well (queries/usage.ts, installed).
    it("list a group's installed testers after any id: a member, a non-member, no tester at all", async () => {
      const store = context.store();
      await context.seedApps();
      await context.seedTesters(['t4', 't5', 't6']);
      await store.appendUsageEvents(
        ['t1', 't2', 't4', 't5', 't6'].map((testerId) => context.event(`e-${testerId}`, { testerId })),
      );
      await store.createBetaGroup(group('g1'), ['t2', 't3', 't4', 't6']);
      const membersAfter = (afterId: string, limit = 10) =>
        store.listInstalledTesterIds('a1', { groupId: 'g1' }, { afterId, limit });
      expect(await membersAfter('t1')).toEqual(['t2', 't4', 't6']);
      expect(await membersAfter('t2')).toEqual(['t4', 't6']);
      expect(await membersAfter('t2', 1)).toEqual(['t4']);
      expect(await membersAfter('t25')).toEqual(['t4', 't6']);
      expect(await membersAfter('t3')).toEqual(['t4', 't6']);
      expect(await membersAfter('t5')).toEqual(['t6']);
      expect(await membersAfter('t6')).toEqual([]);
      expect(await store.listInstalledTesterIds('a1', { groupId: 'g1' }, { offset: 1, limit: 1 })).toEqual([
        't4',
      ]);
    });

    it("sum a tester's usage per app over a window, of the apps they installed", async () => {
      const store = context.store();
      await context.seedIngestion();
      await store.appendUsageEvents([
        context.event('a', { appId: 'a1', type: 'session', occurredAt: '2023-10-01T10:00:00.000Z' }),
        context.event('b', { appId: 'a1', type: 'crash', occurredAt: '2023-10-02T10:00:00.000Z' }),
        context.event('c', { appId: 'a1', type: 'session', occurredAt: '2023-09-01T10:00:00.000Z' }),
        context.event('d', { appId: 'a2', type: 'feedback', occurredAt: '2023-10-03T10:00:00.000Z' }),
        context.event('e', { appId: 'a1', testerId: 't2', type: 'session' }),
      ]);
      expect(await store.listInstalledAppIds('t1', ['a2', 'a1', 'zz'], { limit: 10 })).toEqual(['a1', 'a2']);
      expect(await store.listInstalledAppIds('t1', ['a2', 'a1'], { limit: 1, afterId: 'a1' })).toEqual([
        'a2',
      ]);
      expect(await store.countInstalledApps('t1', ['a1', 'a2', 'zz'])).toBe(2);
      expect(await store.countInstalledApps('t3', ['a1'])).toBe(0);
      const sums = await store.sumUsageByApp('t1', ['a1', 'a2'], '2023-09-29', '2023-10-05');
      expect(Object.fromEntries(sums)).toEqual({
        a1: { crashCount: 1, sessionCount: 1, feedbackCount: 0 },
        a2: { crashCount: 0, sessionCount: 0, feedbackCount: 1 },
      });
      const versions = await store.testerAppDataVersions('t1', ['a1', 'zz']);
      expect(versions && Object.fromEntries(versions)).toEqual({ a1: await store.appDataVersion('a1') });
      expect(await store.testerAppDataVersions('ghost', ['a1'])).toBeUndefined();
    });

    it("sum a build's usage by its number and count its invited testers once each", async () => {
      const store = context.store();
      await context.seedApps();
      await context.seedTesters(['t4', 't5']);
      await store.createBuild(build('b1', '7'));
      await store.createBuild(build('b2', '8'));
      const at = (day: string) => `${day}T10:00:00.000Z`;
      await store.appendUsageEvents([
        context.event('i1', { type: 'install', build: '7', occurredAt: at('2023-09-02') }),
        context.event('s1', { type: 'session', build: '7', occurredAt: at('2023-09-02') }),
        context.event('s2', { type: 'session', build: '7', testerId: 't2', occurredAt: at('2023-10-04') }),
        context.event('c1', { type: 'crash', build: '7', occurredAt: at('2023-10-05') }),
        context.event('f1', { type: 'feedback', build: '7', occurredAt: at('2022-01-01') }),
        context.event('s3', { type: 'session', build: '8', occurredAt: at('2023-10-05') }),
        context.event('s4', { type: 'session', occurredAt: at('2023-10-05') }),
      ]);
      const ref = { buildId: 'b1', appId: 'a1', buildNumber: '7' };
      expect(await store.buildDataVersion('b1')).toEqual({
        appId: 'a1',
        buildNumber: '7',
        version: await store.appDataVersion('a1'),
      });
      expect(await store.buildDataVersion('nope')).toBeUndefined();
      expect(await store.sumBuildUsage(ref, '2022-10-06', '2023-10-05')).toEqual({
        crashCount: 1,
        installCount: 1,
        sessionCount: 2,
        feedbackCount: 0,
        inviteCount: 0,
      });

      // t1 individually and through g1; t2 and t3 through g1; t4 is in a group without builds, t5 in one with
      // another build.
      await store.createBetaGroup(group('g1'), ['t1', 't2', 't3']);
      await store.createBetaGroup({ ...group('g2'), isInternal: true }, ['t4']);
      await store.createBetaGroup(group('g3'), ['t5']);
      const before = await store.appDataVersion('a1');
      await store.addIndividualTesters('b1', ['t1']);
      const individually = await store.appDataVersion('a1');
      expect(individually).not.toBe(before);
      await store.addToBetaGroup('g1', { buildIds: ['b1'] });
      expect(await store.appDataVersion('a1')).not.toBe(individually);
      await store.addToBetaGroup('g3', { buildIds: ['b2'] });
      expect((await store.sumBuildUsage(ref, '2022-10-06', '2023-10-05')).inviteCount).toBe(3);
      await expect(store.addToBetaGroup('g1', { buildIds: ['ghost'] })).rejects.toBeInstanceOf(
        StoreReferenceError,
      );
      await expect(store.addIndividualTesters('ghost', ['t1'])).rejects.toBeInstanceOf(StoreReferenceError);
    });

    it('store public-link events once, roll them up per group and day, and make nobody installed', async () => {
      const store = context.store();
      await context.seedApps();
      await store.createBetaGroup(group('g1'), []);
      await store.createBetaGroup(group('g2'), []);
      const link = (id: string, over: Parameters<typeof context.event>[1]) =>
        context.event(id, { testerId: '', groupId: 'g1', ...over });
      const before = await store.appDataVersion('a1');
      const first = await store.appendUsageEvents([
        link('v1', { type: 'publicLinkView' }),
        link('v2', { type: 'publicLinkView', testerId: 'viewer-9' }),
        link('v3', { type: 'publicLinkView', occurredAt: '2023-10-01T10:00:00.000Z' }),
        link('ac', { type: 'publicLinkAccept' }),
        link('d1', { type: 'publicLinkDecline', reason: 'notClear' }),
        link('d2', { type: 'publicLinkDecline', reason: 'notClear' }),
        link('d3', { type: 'publicLinkDecline', reason: 'notInteresting' }),
        link('d4', { type: 'publicLinkDecline' }),
        link('cn', { type: 'publicLinkCriteriaNotMet' }),
        link('o1', { type: 'publicLinkView', groupId: 'g2' }),
        link('v1', { type: 'publicLinkView' }),
      ]);
      expect(first).toEqual({ accepted: 10, duplicates: 1 });
      expect(await store.appDataVersion('a1')).not.toBe(before);
      const again = await store.appendUsageEvents([
        link('d1', { type: 'publicLinkDecline', reason: 'notClear' }),
      ]);
      expect(again).toEqual({ accepted: 0, duplicates: 1 });
      expect(await store.sumPublicLinkUsage('a1', 'g1', '2023-09-29', '2023-10-05')).toEqual({
        views: 3,
        accepts: 1,
        declines: 4,
        notRelevant: 0,
        notClear: 2,
        notInteresting: 1,
        criteriaNotMet: 1,
      });
      expect((await store.sumPublicLinkUsage('a1', 'g1', '2023-10-02', '2023-10-05')).views).toBe(2);
      expect((await store.sumPublicLinkUsage('a1', 'g2', '2023-09-29', '2023-10-05')).views).toBe(1);
      // Viewers are nobody's testers: no tester became installed, no tester usage was counted.
      expect(await store.countInstalledTesters('a1', {})).toBe(0);
      const events = await store.listUsageEvents('a1', undefined, 100);
      expect(events.find((event) => event.id === 'd1')).toMatchObject({
        testerId: '',
        groupId: 'g1',
        reason: 'notClear',
        type: 'publicLinkDecline',
      });
      expect(events.find((event) => event.id === 'v2')?.testerId).toBe('viewer-9');
      expect(await store.betaGroupsOfApp('a1', ['g1', 'g2', 'zz'])).toEqual(new Set(['g1', 'g2']));
      expect(await store.betaGroupsOfApp('a2', ['g1'])).toEqual(new Set());
    });
  });
}
