import { beforeEach, describe, expect, it } from 'vitest';
import { FEEDBACK_DEFAULTS } from '../domain/records/feedback.js';
import { StoreConflictError, StoreReferenceError } from '../domain/store-problems.js';
import type { Store } from './store.js';
import type { StoreSuiteContext } from './store.test-suite.js';

const AT = '2023-10-01T10:00:00.000Z';

/**
 * The writes behind Apple's TestFlight relationship writes and deletes (directory-store.ts): links of groups,
 * builds and testers from either side, a group's delete and its name's uniqueness, feedback deletes. Each is
 * all or none, a removal is idempotent, and each raises the data version of the apps it touches. Starts from
 * seedApps (apps a1 and a2, testers t1, t2, t3 in a1) with builds b1 (a1) and b2 (a2), groups g1 (a1) and g2
 * (a2), and tester t4 in no app. Testers' own writes: testflight-tester-writes.test-suite.ts.
 */
export function describeTestFlightWrites(context: StoreSuiteContext): void {
  describe('DirectoryStore: TestFlight writes', () => {
    let store: Store;
    const group = (id: string, appId: string, name = `Group ${id}`) => ({
      id,
      appId,
      name,
      isInternal: false,
      createdAt: AT,
    });
    /** Runs `write` and says whether it changed the data version of each app of `appIds`. */
    const versionsMoved = async (appIds: readonly string[], write: () => Promise<unknown>) => {
      const before = await Promise.all(appIds.map((appId) => store.appDataVersion(appId)));
      await write();
      const after = await Promise.all(appIds.map((appId) => store.appDataVersion(appId)));
      return appIds.map((_, i) => after[i] !== before[i]);
    };
    beforeEach(async () => {
      store = context.store();
      await context.seedApps();
      await store.createBuild({ id: 'b1', appId: 'a1', version: '1', uploadedAt: AT });
      await store.createBuild({ id: 'b2', appId: 'a2', version: '1', uploadedAt: AT });
      await store.createBetaGroup(group('g1', 'a1'), []);
      await store.createBetaGroup(group('g2', 'a2'), []);
      await store.createTesters([context.tester('t4')]);
    });

    it('links testers and builds to groups and builds, and raises the version of the app', async () => {
      const moved = await versionsMoved(['a1', 'a2'], () =>
        store.grantBetaAccess({
          groupTesters: [{ groupId: 'g1', testerId: 't1' }],
          groupBuilds: [{ groupId: 'g1', buildId: 'b1' }],
          buildTesters: [
            { buildId: 'b1', testerId: 't2' },
            { buildId: 'b1', testerId: 't2' },
          ],
        }),
      );
      expect(moved).toEqual([true, false]);
      expect(await store.findBetaGroup('g1')).toMatchObject({ testerIds: ['t1'], buildIds: ['b1'] });
      expect((await store.findBuild('b1'))?.individualTesterIds).toEqual(['t2']);
    });

    it('refuses a link there already, or to a row that is not there or of another app, writing nothing', async () => {
      await store.grantBetaAccess({ groupTesters: [{ groupId: 'g1', testerId: 't1' }] });
      const refusals: Array<[Parameters<Store['grantBetaAccess']>[0], Error]> = [
        [
          { groupTesters: [{ groupId: 'g1', testerId: 't1' }] },
          new StoreConflictError(
            'this tester in this beta group',
            { kind: 'tester', id: 't1' },
            { kind: 'betaGroup', id: 'g1' },
          ),
        ],
        [
          { groupBuilds: [{ groupId: 'g1', buildId: 'b2' }] },
          new StoreReferenceError(
            'build b2 of app a1',
            { kind: 'build', id: 'b2' },
            { kind: 'betaGroup', id: 'g1' },
          ),
        ],
        [
          { buildTesters: [{ buildId: 'b1', testerId: 't4' }] },
          new StoreReferenceError(
            'tester t4 in app a1',
            { kind: 'tester', id: 't4' },
            { kind: 'app', id: 'a1' },
          ),
        ],
        [
          { groupTesters: [{ groupId: 'nope', testerId: 't2' }] },
          new StoreReferenceError('beta group nope', { kind: 'betaGroup', id: 'nope' }),
        ],
        [
          { buildTesters: [{ buildId: 'b1', testerId: 'ghost' }] },
          new StoreReferenceError('tester ghost', { kind: 'tester', id: 'ghost' }),
        ],
      ];
      const before = await store.appDataVersion('a1');
      for (const [access, error] of refusals) {
        // Each with a pair that would do: it is not written either.
        await expect(
          store.grantBetaAccess({
            ...access,
            groupBuilds: [...(access.groupBuilds ?? []), { groupId: 'g1', buildId: 'b1' }],
          }),
        ).rejects.toThrow(error);
      }
      expect(await store.findBetaGroup('g1')).toMatchObject({ testerIds: ['t1'], buildIds: [] });
      expect((await store.findBuild('b1'))?.individualTesterIds).toEqual([]);
      expect(await store.appDataVersion('a1')).toBe(before);
    });

    it('with an invitation time, lets a tester of the store join the apps of the groups and builds', async () => {
      const moved = await versionsMoved(['a1', 'a2'], () =>
        store.grantBetaAccess(
          {
            groupTesters: [
              { groupId: 'g1', testerId: 't4' },
              { groupId: 'g2', testerId: 't4' },
            ],
            buildTesters: [{ buildId: 'b2', testerId: 't4' }],
          },
          AT,
        ),
      );
      expect(moved).toEqual([true, true]);
      expect((await store.findTester('t4'))?.apps).toEqual([
        { appId: 'a1', state: 'INVITED' },
        { appId: 'a2', state: 'INVITED' },
      ]);
      expect((await store.findBetaGroup('g2'))?.testerIds).toEqual(['t4']);
      expect((await store.findBuild('b2'))?.individualTesterIds).toEqual(['t4']);
      // All or none here too: a link there already leaves the tester out of the app it would have joined.
      await store.createTesters([context.tester('t5')]);
      await expect(
        store.grantBetaAccess(
          {
            groupTesters: [
              { groupId: 'g2', testerId: 't5' },
              { groupId: 'g2', testerId: 't4' },
            ],
          },
          AT,
        ),
      ).rejects.toBeInstanceOf(StoreConflictError);
      expect((await store.findTester('t5'))?.apps).toEqual([]);
    });

    it('removes links, leaving alone those not there, all or none', async () => {
      await store.grantBetaAccess({
        groupTesters: [
          { groupId: 'g1', testerId: 't1' },
          { groupId: 'g1', testerId: 't2' },
        ],
        groupBuilds: [{ groupId: 'g1', buildId: 'b1' }],
        buildTesters: [{ buildId: 'b1', testerId: 't3' }],
      });
      await expect(
        store.withdrawBetaAccess({
          groupTesters: [
            { groupId: 'g1', testerId: 't1' },
            { groupId: 'nope', testerId: 't2' },
          ],
        }),
      ).rejects.toThrow(new StoreReferenceError('beta group nope', { kind: 'betaGroup', id: 'nope' }));
      expect((await store.findBetaGroup('g1'))?.testerIds).toEqual(['t1', 't2']);
      const removal = {
        groupTesters: [
          { groupId: 'g1', testerId: 't1' },
          { groupId: 'g1', testerId: 't3' },
        ],
        groupBuilds: [{ groupId: 'g1', buildId: 'b1' }],
        buildTesters: [{ buildId: 'b1', testerId: 't3' }],
      };
      expect(await versionsMoved(['a1', 'a2'], () => store.withdrawBetaAccess(removal))).toEqual([
        true,
        false,
      ]);
      await store.withdrawBetaAccess(removal);
      expect(await store.findBetaGroup('g1')).toMatchObject({ testerIds: ['t2'], buildIds: [] });
      expect((await store.findBuild('b1'))?.individualTesterIds).toEqual([]);
      // Leaving a group or a build is not leaving the app.
      expect((await store.findTester('t1'))?.apps).toEqual([{ appId: 'a1', state: 'INVITED' }]);
      await expect(
        store.withdrawBetaAccess({ buildTesters: [{ buildId: 'b1', testerId: 'ghost' }] }),
      ).rejects.toThrow(new StoreReferenceError('tester ghost', { kind: 'tester', id: 'ghost' }));
    });

    it('deletes a group with its links; its testers stay in the app, its name is free again', async () => {
      await store.grantBetaAccess({
        groupTesters: [{ groupId: 'g1', testerId: 't1' }],
        groupBuilds: [{ groupId: 'g1', buildId: 'b1' }],
      });
      expect(await versionsMoved(['a1', 'a2'], () => store.deleteBetaGroup('g1'))).toEqual([true, false]);
      expect(await store.findBetaGroup('g1')).toBeUndefined();
      expect(await store.listBetaGroups('a1', { limit: 10 })).toEqual([]);
      expect(await store.testersOfApp('a1', ['t1'])).toEqual(new Set(['t1']));
      expect(await store.findBuild('b1')).toMatchObject({ id: 'b1' });
      await expect(store.deleteBetaGroup('g1')).rejects.toThrow(
        new StoreReferenceError('beta group g1', { kind: 'betaGroup', id: 'g1' }),
      );
      await store.createBetaGroup(group('g3', 'a1', 'Group g1'), []);
    });

    it("keeps a group's name unique in its app, in any case", async () => {
      const taken = new StoreConflictError('a beta group with this name in this app');
      await expect(store.createBetaGroup(group('g3', 'a1', 'GROUP G1'), [])).rejects.toThrow(taken);
      expect(await store.findBetaGroup('g3')).toBeUndefined();
      await store.createBetaGroup(group('g3', 'a2', 'GROUP G1'), []);
      await store.createBetaGroup(group('g4', 'a1', 'Testers Ünited'), []);
      await expect(store.updateBetaGroup('g4', { name: 'group g1' })).rejects.toThrow(taken);
      await expect(store.createBetaGroup(group('g5', 'a1', 'testers ünited'), [])).rejects.toThrow(taken);
      await store.updateBetaGroup('g4', { name: 'TESTERS ÜNITED' });
      expect((await store.findBetaGroup('g4'))?.name).toBe('TESTERS ÜNITED');
    });

    it('deletes feedback, a crash submission with its log unless another names it', async () => {
      const base = { ...FEEDBACK_DEFAULTS, appId: 'a1', createdDate: AT, buildId: 'b1', testerId: 't1' };
      await store.createScreenshotFeedback({ ...base, id: 's1', screenshots: [] });
      const log = { id: 'log1', appId: 'a1', logText: 'Thread 0 Crashed' };
      await store.createCrashFeedback({ ...base, id: 'c1', crashLogId: 'log1' }, log);
      await store.createCrashFeedback({ ...base, id: 'c2', crashLogId: 'log1' });
      await store.createCrashFeedback(
        { ...base, id: 'c3', crashLogId: 'log3' },
        { id: 'log3', appId: 'a1', logText: 'x' },
      );

      expect(await versionsMoved(['a1'], () => store.deleteScreenshotFeedback('s1'))).toEqual([true]);
      expect(await store.findScreenshotFeedback('s1')).toBeUndefined();
      await store.deleteCrashFeedback('c1');
      expect(await store.findCrashFeedback('c2')).toMatchObject({ crashLog: log });
      await store.deleteCrashFeedback('c2');
      await store.deleteCrashFeedback('c3');
      expect(await store.listCrashFeedback('a1', { limit: 10 })).toEqual([]);
      // The logs went with their last submissions: their ids can be written again.
      await store.createCrashFeedback({ ...base, id: 'c4', crashLogId: 'log1' }, log);
      await store.createCrashFeedback(
        { ...base, id: 'c5', crashLogId: 'log3' },
        { id: 'log3', appId: 'a1', logText: 'y' },
      );
      await expect(store.deleteScreenshotFeedback('s1')).rejects.toBeInstanceOf(StoreReferenceError);
      await expect(store.deleteCrashFeedback('c1')).rejects.toBeInstanceOf(StoreReferenceError);
    });

    it("reads which app groups and builds are of, and which of an app's builds expired", async () => {
      await store.createBuild({ id: 'b3', appId: 'a1', version: '3', uploadedAt: AT, expired: true });
      await store.createBuild({
        id: 'b4',
        appId: 'a1',
        version: '4',
        uploadedAt: AT,
        expired: true,
        expirationDate: '2023-10-01T00:00:00.000Z',
      });
      expect(await store.appsOf('betaGroup', ['g1', 'g2', 'nope'])).toEqual(
        new Map([
          ['g1', 'a1'],
          ['g2', 'a2'],
        ]),
      );
      expect(await store.appsOf('build', ['b2', 'g1'])).toEqual(new Map([['b2', 'a2']]));
      expect(await store.expiredBuildVersions('a1', ['1', '3', '4', '9'])).toEqual(
        new Map([
          ['3', null],
          ['4', '2023-10-01T00:00:00.000Z'],
        ]),
      );
      expect(await store.expiredBuildVersions('a2', ['3'])).toEqual(new Map());
    });
  });
}
