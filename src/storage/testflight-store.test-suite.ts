import { beforeEach, describe, expect, it } from 'vitest';
import { StoreConflictError, StoreReferenceError } from '../domain/store-problems.js';
import { FEEDBACK_DEFAULTS } from '../domain/records/feedback.js';
import type { Store } from './store.js';
import type { StoreSuiteContext } from './store.test-suite.js';

const AT = '2023-10-01T10:00:00.000Z';

/**
 * The TestFlight resources of DirectoryStore (directory-store.ts): apps' attributes, pre-release versions,
 * builds with their beta details and individual testers, groups with testers and builds, feedback and crash
 * logs, on every backend. Starts from seedApps: apps a1 and a2, testers t1, t2, t3 in a1.
 */
export function describeTestFlightStore(context: StoreSuiteContext): void {
  describe('DirectoryStore: TestFlight resources', () => {
    let store: Store;
    beforeEach(async () => {
      store = context.store();
      await context.seedApps();
    });

    it("keeps every attribute of an app, Apple's defaults for the rest, and changes them", async () => {
      await store.createApp({
        ...context.app('k1'),
        isOrEverWasMadeForKids: true,
        accessibilityUrl: 'https://example.com/a11y',
        subscriptionStatusUrlVersion: 'V2',
        contentRightsDeclaration: 'USES_THIRD_PARTY_CONTENT',
      });
      expect(await store.findApp('k1')).toMatchObject({
        isOrEverWasMadeForKids: true,
        accessibilityUrl: 'https://example.com/a11y',
        subscriptionStatusUrl: null,
        subscriptionStatusUrlVersion: 'V2',
        contentRightsDeclaration: 'USES_THIRD_PARTY_CONTENT',
        streamlinedPurchasingEnabled: false,
        allowUnknownBuilds: false,
      });
      await store.updateApp('a1', {
        allowUnknownBuilds: true,
        streamlinedPurchasingEnabled: true,
        name: 'Renamed',
      });
      expect(await store.findApp('a1')).toEqual({
        ...context.app('a1'),
        name: 'Renamed',
        allowUnknownBuilds: true,
        streamlinedPurchasingEnabled: true,
      });
      await expect(store.updateApp('nope', { allowUnknownBuilds: true })).rejects.toThrow(
        new StoreReferenceError('app nope', { kind: 'app', id: 'nope' }),
      );
    });

    it("keeps a tester's devices and changes them", async () => {
      await store.updateTester('t1', {
        appDevices: [{ model: 'iPhone15,2', platform: 'IOS', osVersion: '17.0' }],
      });
      expect((await store.findTester('t1'))?.appDevices).toEqual([
        { model: 'iPhone15,2', platform: 'IOS', osVersion: '17.0' },
      ]);
      expect((await store.findTester('t2'))?.appDevices).toBeNull();
      await expect(store.updateTester('nobody', { firstName: 'X' })).rejects.toThrow(StoreReferenceError);
    });

    it('writes builds with their version, beta detail and individual testers, all or none', async () => {
      await store.createPreReleaseVersion({ id: 'v14', appId: 'a1', version: '1.4', platform: 'IOS' });
      await store.createPreReleaseVersion({ id: 'v2x', appId: 'a2', version: '2.0', platform: 'IOS' });
      await expect(
        store.createPreReleaseVersion({ id: 'v14b', appId: 'a1', version: '1.4', platform: 'IOS' }),
      ).rejects.toThrow(
        new StoreConflictError('a pre-release version with this version and platform in this app'),
      );
      await store.createBuild(
        {
          id: 'b410',
          appId: 'a1',
          version: '410',
          uploadedAt: AT,
          preReleaseVersionId: 'v14',
          iconAssetToken: { templateUrl: 'https://example.invalid/{w}x{h}.png', width: 1024, height: 1024 },
          usesNonExemptEncryption: false,
          buildAudienceType: 'APP_STORE_ELIGIBLE',
        },
        {
          betaDetail: { autoNotifyEnabled: true, externalBuildState: 'IN_BETA_TESTING' },
          individualTesterIds: ['t2', 't1'],
        },
      );
      expect(await store.findBuild('b410')).toMatchObject({
        version: '410',
        preReleaseVersionId: 'v14',
        processingState: 'VALID',
        expired: false,
        usesNonExemptEncryption: false,
        iconAssetToken: { templateUrl: 'https://example.invalid/{w}x{h}.png', width: 1024, height: 1024 },
        betaDetail: {
          autoNotifyEnabled: true,
          internalBuildState: 'READY_FOR_BETA_TESTING',
          externalBuildState: 'IN_BETA_TESTING',
        },
        individualTesterIds: ['t1', 't2'],
      });
      // A version of another app, a tester not in the app: nothing of the build is written.
      await expect(
        store.createBuild({
          id: 'b411',
          appId: 'a1',
          version: '411',
          uploadedAt: AT,
          preReleaseVersionId: 'v2x',
        }),
      ).rejects.toThrow(
        new StoreReferenceError(
          'pre-release version v2x of app a1',
          { kind: 'preReleaseVersion', id: 'v2x' },
          { kind: 'app', id: 'a1' },
        ),
      );
      await store.createTesters([context.tester('t9')]);
      await expect(
        store.createBuild(
          { id: 'b411', appId: 'a1', version: '411', uploadedAt: AT },
          { individualTesterIds: ['t9'] },
        ),
      ).rejects.toThrow(
        new StoreReferenceError(
          'tester t9 in app a1',
          { kind: 'tester', id: 't9' },
          { kind: 'app', id: 'a1' },
        ),
      );
      expect(await store.findBuild('b411')).toBeUndefined();
      await expect(
        store.createBuild({ id: 'b410x', appId: 'a1', version: '410', uploadedAt: AT }),
      ).rejects.toThrow(new StoreConflictError('a build with this version in this app'));

      await store.createBuild({
        id: 'b411',
        appId: 'a1',
        version: '411',
        uploadedAt: AT,
        processingState: 'PROCESSING',
      });
      expect((await store.findBuild('b411'))?.betaDetail.internalBuildState).toBe('PROCESSING');
      await store.updateBuild(
        'b411',
        { processingState: 'VALID', expired: true },
        { internalBuildState: 'EXPIRED' },
      );
      expect(await store.findBuild('b411')).toMatchObject({
        processingState: 'VALID',
        expired: true,
        betaDetail: { internalBuildState: 'EXPIRED' },
      });
      await store.addIndividualTesters('b411', ['t3']);
      await expect(store.addIndividualTesters('b411', ['t3'])).rejects.toThrow(
        new StoreConflictError(
          'this tester on this build',
          { kind: 'tester', id: 't3' },
          { kind: 'build', id: 'b411' },
        ),
      );
      expect((await store.listBuilds('a1', { limit: 10 })).map((b) => [b.id, b.individualTesterIds])).toEqual(
        [
          ['b410', ['t1', 't2']],
          ['b411', ['t3']],
        ],
      );
      expect(await store.knownBuildVersions('a1', ['410', '999', '411'])).toEqual(new Set(['410', '411']));
      expect(await store.knownBuildVersions('a2', ['410'])).toEqual(new Set());
      expect((await store.listPreReleaseVersions('a1', { limit: 10 })).map((v) => v.id)).toEqual(['v14']);
    });

    it('writes groups with every attribute, their testers and builds, all or none', async () => {
      await store.createBuild({ id: 'b1', appId: 'a1', version: '1', uploadedAt: AT });
      await store.createBuild({ id: 'b2', appId: 'a2', version: '1', uploadedAt: AT });
      await store.createBetaGroup(
        {
          id: 'g1',
          appId: 'a1',
          name: 'Public',
          isInternal: false,
          createdAt: AT,
          publicLinkEnabled: true,
          publicLinkId: 'abcd1234',
          publicLink: 'https://testflight.apple.com/join/abcd1234',
          publicLinkLimitEnabled: true,
          publicLinkLimit: 500,
        },
        ['t2', 't1'],
        ['b1'],
      );
      expect(await store.findBetaGroup('g1')).toMatchObject({
        name: 'Public',
        publicLinkLimit: 500,
        publicLinkEnabled: true,
        feedbackEnabled: true,
        hasAccessToAllBuilds: false,
        testerIds: ['t1', 't2'],
        buildIds: ['b1'],
      });
      await expect(
        store.createBetaGroup(
          { id: 'g2', appId: 'a1', name: 'X', isInternal: true, createdAt: AT },
          ['t1'],
          ['b2'],
        ),
      ).rejects.toThrow(
        new StoreReferenceError(
          'build b2 of app a1',
          { kind: 'build', id: 'b2' },
          { kind: 'betaGroup', id: 'g2' },
        ),
      );
      expect(await store.findBetaGroup('g2')).toBeUndefined();
      await store.updateBetaGroup('g1', {
        feedbackEnabled: false,
        publicLinkLimit: null,
        publicLinkLimitEnabled: false,
      });
      await store.addToBetaGroup('g1', { testerIds: ['t3'] });
      await expect(store.addToBetaGroup('g1', { buildIds: ['b1'] })).rejects.toThrow(
        new StoreConflictError(
          'this build in this beta group',
          { kind: 'build', id: 'b1' },
          { kind: 'betaGroup', id: 'g1' },
        ),
      );
      expect(await store.listBetaGroups('a1', { limit: 5 })).toMatchObject([
        { id: 'g1', feedbackEnabled: false, publicLinkLimit: null, testerIds: ['t1', 't2', 't3'] },
      ]);
      await expect(store.updateBetaGroup('nope', { name: 'x' })).rejects.toThrow(StoreReferenceError);
    });

    it('writes feedback with screenshots, and crash feedback with its log, all or none', async () => {
      await store.createBuild({ id: 'b1', appId: 'a1', version: '1', uploadedAt: AT });
      const base = { ...FEEDBACK_DEFAULTS, appId: 'a1', createdDate: AT, buildId: 'b1', testerId: 't1' };
      const screenshot = {
        ...base,
        id: 's1',
        comment: 'The button is cut off',
        deviceFamily: 'IPHONE' as const,
        diskBytesTotal: 256_000_000_000,
        screenshots: [{ url: 'https://example.invalid/s1.png', width: 1179, height: 2556 }],
      };
      await store.createScreenshotFeedback(screenshot);
      expect(await store.findScreenshotFeedback('s1')).toEqual(screenshot);
      await expect(store.createScreenshotFeedback(screenshot)).rejects.toThrow(StoreConflictError);

      const crash = { ...base, id: 'c1', connectionType: 'WIFI' as const, crashLogId: 'log1' };
      const log = { id: 'log1', appId: 'a1', logText: 'Thread 0 Crashed:\n0 libswiftCore.dylib' };
      // A tester not in the app: neither the submission nor its log is written.
      await expect(store.createCrashFeedback({ ...crash, testerId: 'nobody' }, log)).rejects.toThrow(
        new StoreReferenceError(
          'tester nobody in app a1',
          { kind: 'tester', id: 'nobody' },
          { kind: 'app', id: 'a1' },
        ),
      );
      expect(await store.findCrashFeedback('c1')).toBeUndefined();
      await store.createCrashFeedback(crash, log);
      await store.createCrashFeedback({ ...crash, id: 'c0', crashLogId: null });
      expect(await store.listCrashFeedback('a1', { limit: 10 })).toEqual([
        { ...crash, id: 'c0', crashLogId: null, crashLog: null },
        { ...crash, crashLog: log },
      ]);
      expect(await store.listScreenshotFeedback('a2', { limit: 10 })).toEqual([]);
    });
  });
}
