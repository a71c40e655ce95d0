import { beforeEach, describe, expect, it } from 'vitest';
import { FEEDBACK_DEFAULTS } from '../domain/records/feedback.js';
import { StoreConflictError, StoreReferenceError } from '../domain/store-problems.js';
import type { Store } from './store.js';
import type { StoreSuiteContext } from './store.test-suite.js';

const AT = '2023-10-01T10:00:00.000Z';
const YEAR = ['2022-10-06', '2023-10-05'] as const;

/**
 * The writes of a tester's place in apps (directory-store.ts): joining an app with its groups and builds, being
 * invited again, leaving apps, being deleted. All or none; each raises the data version of the apps it touches;
 * past usage stays in the rollups. Starts from seedIngestion (apps a1 and a2, testers t1, t2, t3 in a1, t1 in a2
 * too) with build b1 (number 7) and group g1 in a1, group g2 and build b2 in a2.
 */
export function describeTestFlightTesterWrites(context: StoreSuiteContext): void {
  describe('DirectoryStore: TestFlight writes of testers', () => {
    let store: Store;
    const group = (id: string, appId: string) => ({
      id,
      appId,
      name: `Group ${id}`,
      isInternal: false,
      createdAt: AT,
    });
    const joining = (over: Partial<Parameters<Store['addTesterToApp']>[0]> = {}) => ({
      tester: { ...context.tester('n1', 'new@example.com'), createdAt: AT },
      appId: 'a1',
      invitedAt: AT,
      betaGroupIds: ['g1'],
      buildIds: ['b1'],
      ...over,
    });
    const versions = () => Promise.all(['a1', 'a2'].map((appId) => store.appDataVersion(appId)));
    beforeEach(async () => {
      store = context.store();
      await context.seedIngestion();
      await store.createBuild({ id: 'b1', appId: 'a1', version: '7', uploadedAt: AT });
      await store.createBuild({ id: 'b2', appId: 'a2', version: '7', uploadedAt: AT });
      await store.createBetaGroup(group('g1', 'a1'), []);
      await store.createBetaGroup(group('g2', 'a2'), []);
    });

    it('adds a new tester to an app with its groups and builds, INVITED', async () => {
      const [a1] = await versions();
      expect(await store.addTesterToApp(joining())).toBe('n1');
      expect(await store.appDataVersion('a1')).not.toBe(a1);
      expect(await store.findTester('n1')).toMatchObject({
        email: 'new@example.com',
        inviteType: 'EMAIL',
        apps: [{ appId: 'a1', state: 'INVITED' }],
      });
      expect((await store.findBetaGroup('g1'))?.testerIds).toEqual(['n1']);
      expect((await store.findBuild('b1'))?.individualTesterIds).toEqual(['n1']);
      // In the app already, whatever the email's case: nothing changes.
      await expect(
        store.addTesterToApp(
          joining({ tester: { ...context.tester('n2', 'NEW@example.com'), createdAt: AT } }),
        ),
      ).rejects.toThrow(
        new StoreConflictError(
          'this tester in this app',
          { kind: 'tester', id: 'n1' },
          { kind: 'app', id: 'a1' },
        ),
      );
      expect(await store.findTester('n2')).toBeUndefined();
    });

    it('adds a tester of another app by their email, keeping their id and record', async () => {
      await store.createTesters([context.tester('x1', 'Known@Example.com')]);
      await store.addTestersToApps([{ appId: 'a2', testerId: 'x1', state: 'INSTALLED', invitedAt: AT }]);
      const id = await store.addTesterToApp(
        joining({ tester: { ...context.tester('other', 'known@example.COM'), createdAt: AT } }),
      );
      expect(id).toBe('x1');
      expect(await store.findTester('x1')).toMatchObject({
        email: 'Known@Example.com',
        apps: [
          { appId: 'a1', state: 'INVITED' },
          { appId: 'a2', state: 'INSTALLED' },
        ],
      });
      expect(await store.findTester('other')).toBeUndefined();
    });

    it('writes nothing of a new tester when a group or build is not of the app', async () => {
      await expect(store.addTesterToApp(joining({ betaGroupIds: ['g1', 'g2'] }))).rejects.toThrow(
        new StoreReferenceError(
          'beta group g2 of app a1',
          { kind: 'betaGroup', id: 'g2' },
          { kind: 'app', id: 'a1' },
        ),
      );
      await expect(store.addTesterToApp(joining({ buildIds: ['nope'] }))).rejects.toBeInstanceOf(
        StoreReferenceError,
      );
      await expect(store.addTesterToApp(joining({ appId: 'zz' }))).rejects.toThrow(
        new StoreReferenceError('app zz', { kind: 'app', id: 'zz' }),
      );
      expect(await store.listTesters({ emails: ['new@example.com'] }, { limit: 5 })).toEqual([]);
      expect((await store.findBetaGroup('g1'))?.testerIds).toEqual([]);
    });

    it('invites a tester again: INVITED unless they installed the app or were revoked', async () => {
      await store.createTesters([context.tester('t8'), context.tester('t9')]);
      await store.addTestersToApps([
        { appId: 'a2', testerId: 't2', state: 'ACCEPTED', invitedAt: AT },
        { appId: 'a2', testerId: 't8', state: 'INSTALLED', invitedAt: AT },
        { appId: 'a2', testerId: 't9', state: 'REVOKED', invitedAt: AT },
      ]);
      const [a1, a2] = await versions();
      for (const id of ['t1', 't2', 't8', 't9'])
        await store.reinviteTester('a2', id, '2023-10-05T00:00:00.000Z');
      expect(await versions()).toEqual([a1, expect.not.stringMatching(`^${a2}$`)]);
      const states = await store.listTesters({ appIds: ['a2'] }, { limit: 10 });
      expect(states.map((t) => [t.id, t.apps.find((m) => m.appId === 'a2')?.state])).toEqual([
        ['t1', 'INVITED'],
        ['t2', 'INVITED'],
        ['t8', 'INSTALLED'],
        ['t9', 'REVOKED'],
      ]);
      await expect(store.reinviteTester('a2', 't3', AT)).rejects.toThrow(
        new StoreReferenceError(
          'tester t3 in app a2',
          { kind: 'tester', id: 't3' },
          { kind: 'app', id: 'a2' },
        ),
      );
      await expect(store.reinviteTester('zz', 't1', AT)).rejects.toThrow(
        new StoreReferenceError('app zz', { kind: 'app', id: 'zz' }),
      );
      await expect(store.reinviteTester('a1', 'ghost', AT)).rejects.toThrow(
        new StoreReferenceError('tester ghost', { kind: 'tester', id: 'ghost' }),
      );
    });

    it("takes testers out of an app and its groups and builds; their past usage stays in the build's totals", async () => {
      await store.grantBetaAccess({
        groupTesters: [
          { groupId: 'g1', testerId: 't1' },
          { groupId: 'g1', testerId: 't2' },
          { groupId: 'g2', testerId: 't1' },
        ],
        buildTesters: [
          { buildId: 'b1', testerId: 't1' },
          { buildId: 'b2', testerId: 't1' },
        ],
      });
      await store.appendUsageEvents([
        context.event('i1', { type: 'install', build: '7' }),
        context.event('s1', { type: 'session', build: '7' }),
        context.event('s2', { type: 'session', build: '7', testerId: 't2' }),
      ]);
      const build = { buildId: 'b1', appId: 'a1', buildNumber: '7' };
      const totals = await store.sumBuildUsage(build, ...YEAR);
      expect(totals).toMatchObject({ installCount: 1, sessionCount: 2, inviteCount: 1 });
      const [a1, a2] = await versions();

      await store.removeTestersFromApps([{ appId: 'a1', testerId: 't1' }]);
      expect(await versions()).toEqual([expect.not.stringMatching(`^${a1}$`), a2]);
      expect((await store.findTester('t1'))?.apps).toEqual([{ appId: 'a2', state: 'INVITED' }]);
      expect((await store.findBetaGroup('g1'))?.testerIds).toEqual(['t2']);
      expect((await store.findBetaGroup('g2'))?.testerIds).toEqual(['t1']);
      expect((await store.findBuild('b1'))?.individualTesterIds).toEqual([]);
      expect((await store.findBuild('b2'))?.individualTesterIds).toEqual(['t1']);
      expect(await store.listInstalledTesterIds('a1', {}, { limit: 10 })).toEqual(['t2']);
      expect(await store.listInstalledTesterIds('a1', { groupId: 'g1' }, { limit: 10 })).toEqual(['t2']);
      expect(await store.sumBuildUsage(build, ...YEAR)).toEqual({ ...totals, inviteCount: 0 });

      // Again, or of an app they are not in: nothing to do. An unknown app or tester: nothing done.
      await store.removeTestersFromApps([
        { appId: 'a1', testerId: 't1' },
        { appId: 'a2', testerId: 't3' },
      ]);
      await expect(
        store.removeTestersFromApps([
          { appId: 'a1', testerId: 't2' },
          { appId: 'zz', testerId: 't2' },
        ]),
      ).rejects.toThrow(new StoreReferenceError('app zz', { kind: 'app', id: 'zz' }));
      await expect(store.removeTestersFromApps([{ appId: 'a1', testerId: 'ghost' }])).rejects.toThrow(
        new StoreReferenceError('tester ghost', { kind: 'tester', id: 'ghost' }),
      );
      expect(await store.testersOfApp('a1', ['t2'])).toEqual(new Set(['t2']));
    });

    it('deletes a tester from every app, group and build, with their feedback; their usage stays', async () => {
      await store.grantBetaAccess({
        groupTesters: [
          { groupId: 'g1', testerId: 't1' },
          { groupId: 'g2', testerId: 't1' },
        ],
        buildTesters: [{ buildId: 'b1', testerId: 't1' }],
      });
      await store.appendUsageEvents([context.event('s1', { type: 'session', build: '7' })]);
      const base = { ...FEEDBACK_DEFAULTS, appId: 'a1', createdDate: AT, buildId: 'b1', testerId: 't1' };
      await store.createScreenshotFeedback({ ...base, id: 'f1', screenshots: [] });
      await store.createCrashFeedback(
        { ...base, id: 'c1', crashLogId: 'l1' },
        { id: 'l1', appId: 'a1', logText: 'x' },
      );
      await store.createScreenshotFeedback({ ...base, id: 'f2', testerId: 't2', screenshots: [] });
      const build = { buildId: 'b1', appId: 'a1', buildNumber: '7' };
      const { sessionCount } = await store.sumBuildUsage(build, ...YEAR);
      const [a1, a2] = await versions();

      await store.deleteTester('t1');
      const [b1, b2] = await versions();
      expect([b1 !== a1, b2 !== a2]).toEqual([true, true]);
      expect(await store.findTester('t1')).toBeUndefined();
      expect((await store.findBetaGroup('g1'))?.testerIds).toEqual([]);
      expect((await store.findBetaGroup('g2'))?.testerIds).toEqual([]);
      expect((await store.findBuild('b1'))?.individualTesterIds).toEqual([]);
      // docs/feedback-content.md, "Lifecycle": a tester's submissions and content go with them.
      expect(await store.findScreenshotFeedback('f1')).toBeUndefined();
      expect(await store.findCrashFeedback('c1')).toBeUndefined();
      expect((await store.findScreenshotFeedback('f2'))?.testerId).toBe('t2');
      expect((await store.sumBuildUsage(build, ...YEAR)).sessionCount).toBe(sessionCount);
      expect(await store.listInstalledTesterIds('a1', {}, { limit: 10 })).toEqual([]);
      await expect(store.deleteTester('t1')).rejects.toThrow(
        new StoreReferenceError('tester t1', { kind: 'tester', id: 't1' }),
      );
      // Their email is free again.
      await store.createTesters([context.tester('t1b', 't1@example.com')]);
    });
  });
}
