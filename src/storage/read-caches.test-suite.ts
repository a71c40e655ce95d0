import { beforeEach, describe, expect, it } from 'vitest';
import { expectCachesWatching, pollUntil } from '../../test/support/poll-until.js';
import type { ApiKeyRecord } from '../domain/records/keys.js';
import type { Store } from './store.js';
import type { StoreSuiteContext } from './store.test-suite.js';

const KEY_IDS = ['KEY0000001', 'KEY0000002', 'KEY0000003', 'NOSUCHKEY0'];
const APP_IDS = ['a1', 'a2', 'a3', 'nope'];
const GROUP_IDS = ['g1', 'nope'];
const BUILD_IDS = ['b1', 'nope'];
const TESTER_IDS = ['t1', 't3', 't9', 'nope'];

const group = (id: string, appId: string) => ({
  id,
  appId,
  name: `Group ${id} of ${appId}`,
  isInternal: false,
  createdAt: '2023-01-01T00:00:00.000Z',
});

const apiKey = (keyId: string): ApiKeyRecord => ({
  keyId,
  name: keyId,
  role: 'DEVELOPER',
  kind: 'TEAM',
  publicKey: '-----BEGIN PUBLIC KEY-----\nx\n-----END PUBLIC KEY-----\n',
  createdAt: '2023-01-01T00:00:00.000Z',
  revokedAt: null,
  testing: false,
});

/**
 * The read caches of keys, data versions and testers (read-caches.ts), on every backend: whatever is written,
 * by this handle or by another (another process or node), the cached reads answer what the store holds: data
 * versions and testers at once, keys at once after this handle's writes and within one second after another's.
 */
export function describeReadCaches(context: StoreSuiteContext): void {
  describe('read caches', () => {
    let store: Store;
    beforeEach(async () => {
      store = context.store();
      await context.seedIngestion();
      // PostgreSQL's feed starts listening at the first cached read.
      await store.findApiKey('NOSUCHKEY0');
      await expectCachesWatching(store);
    });

    /** What the store holds, read past the caches: every key listed, versions in a snapshot (never cached). */
    const truth = async () => {
      const keys = await store.listApiKeys();
      return {
        keys: KEY_IDS.map((id) => keys.find((key) => key.keyId === id)),
        versions: await store.snapshot(async (reader) => ({
          apps: await Promise.all(APP_IDS.map((id) => reader.appDataVersion(id))),
          groups: await Promise.all(GROUP_IDS.map((id) => reader.groupDataVersion(id))),
          builds: await Promise.all(BUILD_IDS.map((id) => reader.buildDataVersion(id))),
          testers: await Promise.all(TESTER_IDS.map((id) => reader.testerAppDataVersions(id, APP_IDS))),
        })),
      };
    };
    /** The same through the caches, each read twice so the second is answered from memory when it can be. */
    const cachedKeys = async () => {
      const read = () => Promise.all(KEY_IDS.map((id) => store.findApiKey(id)));
      const first = await read();
      expect(await read()).toEqual(first);
      return first;
    };
    const cachedVersions = async () => {
      const read = async () => ({
        apps: await Promise.all(APP_IDS.map((id) => store.appDataVersion(id))),
        groups: await Promise.all(GROUP_IDS.map((id) => store.groupDataVersion(id))),
        builds: await Promise.all(BUILD_IDS.map((id) => store.buildDataVersion(id))),
        testers: await Promise.all(TESTER_IDS.map((id) => store.testerAppDataVersions(id, APP_IDS))),
      });
      const first = await read();
      expect(await read()).toEqual(first);
      return first;
    };

    /**
     * What the store keeps, read without waiting once caught up (kept-reads.ts), against what it holds: every
     * app's version the cached reads just read is kept, and whatever else is kept is what the store holds. A
     * tester's are read over apps that exist: a version not kept (`nope` never is) leaves the whole read to the
     * store. Gives how many of the groups', builds' and testers' reads memory answered.
     */
    const keptAgrees = async (label: string) => {
      const kept = store.keptReads();
      if (kept === undefined) throw new Error('the store keeps nothing');
      expect(await kept.caughtUp(), label).toBe(true);
      const apps = APP_IDS.filter((id) => id !== 'nope');
      const reads = {
        apps: APP_IDS.map((id) => kept.appDataVersion(id)),
        groups: GROUP_IDS.map((id) => kept.groupDataVersion(id)),
        builds: BUILD_IDS.map((id) => kept.buildDataVersion(id)),
        testers: TESTER_IDS.map((id) => kept.testerAppDataVersions(id, apps)),
      };
      const held = await store.snapshot(async (reader) => ({
        apps: await Promise.all(APP_IDS.map((id) => reader.appDataVersion(id))),
        groups: await Promise.all(GROUP_IDS.map((id) => reader.groupDataVersion(id))),
        builds: await Promise.all(BUILD_IDS.map((id) => reader.buildDataVersion(id))),
        testers: await Promise.all(TESTER_IDS.map((id) => reader.testerAppDataVersions(id, apps))),
      }));
      expect(reads.apps, `${label}, apps`).toEqual(held.apps);
      let answered = 0;
      for (const part of ['groups', 'builds', 'testers'] as const) {
        for (const [n, read] of reads[part].entries()) {
          if (read === undefined) continue;
          answered++;
          expect(read, `${label}, ${part} ${n}`).toEqual(held[part][n]);
        }
      }
      return answered;
    };

    it('answers exactly what the store holds after each write of this handle or another', async () => {
      const other = await context.openHandle();
      const steps: ReadonlyArray<readonly [by: 'this' | 'other', write: (s: Store) => Promise<unknown>]> = [
        ['this', (s) => s.createApiKey(apiKey('KEY0000001'))],
        ['other', (s) => s.createApiKey(apiKey('KEY0000002'))],
        ['this', (s) => s.appendUsageEvents([context.event('e1')])],
        ['other', (s) => s.appendUsageEvents([context.event('e2', { appId: 'a2' })])],
        ['other', (s) => s.revokeApiKey('KEY0000001', '2023-02-01T00:00:00.000Z')],
        ['this', (s) => s.revokeApiKey('KEY0000002', '2023-02-01T00:00:00.000Z')],
        ['other', (s) => s.createApp(context.app('a3'))],
        [
          'other',
          (s) =>
            s.addTestersToApps([
              { appId: 'a3', testerId: 't2', state: 'INSTALLED', invitedAt: '2023-01-02T00:00:00.000Z' },
            ]),
        ],
        ['this', (s) => s.createBetaGroup(group('g1', 'a1'), [])],
        [
          'other',
          (s) =>
            s.createBuild({ id: 'b1', appId: 'a1', version: '7', uploadedAt: '2023-09-01T00:00:00.000Z' }),
        ],
        ['this', (s) => s.saveSnapshot('before-k3', { replace: false })],
        // A tester deleted by another handle is gone at once; one made after the snapshot goes with a restore.
        ['other', (s) => s.deleteTester('t3')],
        ['other', (s) => s.createTesters([context.tester('t9')])],
        // The same group id made again in another app, by another handle: its app changes.
        ['other', (s) => s.deleteBetaGroup('g1')],
        ['other', (s) => s.createBetaGroup(group('g1', 'a2'), [])],
        ['this', (s) => s.deleteBetaGroup('g1')],
        ['other', (s) => s.createApiKey(apiKey('KEY0000003'))],
        ['other', (s) => s.appendUsageEvents([context.event('e3', { appId: 'a1' })])],
        // A restore by another handle replaces every row (a TRUNCATE on PostgreSQL): K3 and its app's
        // version as they were, the revocations back as saved.
        ['other', (s) => s.restoreSnapshot('before-k3')],
        ['this', (s) => s.appendUsageEvents([context.event('e4', { appId: 'a3', testerId: 't2' })])],
        ['this', (s) => s.deleteTester('t3')],
        ['this', (s) => s.createTesters([context.tester('t9')])],
        ['this', (s) => s.restoreSnapshot('before-k3')],
      ];
      await cachedKeys();
      await cachedVersions();
      let keptAnswered = 0;
      for (const [n, [by, write]] of steps.entries()) {
        const writer = by === 'this' ? store : other;
        await write(writer);
        // Acknowledged as every door acknowledges a write (main/create-app.ts; a CLI command by closing the store).
        await writer.writesSeenEverywhere();
        // Data versions at once, whoever wrote: a page kept under an older one must not be sent again. Read
        // first, before anything else gives a notification time to arrive.
        const versions = await cachedVersions();
        keptAnswered += await keptAgrees(`step ${n}, kept reads`);
        const expected = await truth();
        expect(versions, `step ${n}, data versions`).toEqual(expected.versions);
        if (by === 'this') {
          expect(await cachedKeys(), `step ${n}, keys after this handle's write: at once`).toEqual(
            expected.keys,
          );
        } else {
          const seen = await pollUntil(cachedKeys, (keys) => equal(keys, expected.keys), 1_000);
          expect(seen.value, `step ${n}, keys after another handle's write: within one second`).toEqual(
            expected.keys,
          );
          expect(seen.met).toBe(true);
        }
        const keptKeys = KEY_IDS.map((id) => store.keptReads()?.apiKey(id));
        for (const [k, key] of keptKeys.entries())
          if (key !== undefined) expect(key, `step ${n}, kept key ${k}`).toEqual(expected.keys[k]);
        expect(
          keptKeys.some((key) => key !== undefined),
          `step ${n}, some key kept`,
        ).toBe(true);
      }
      // Memory answered more than the apps' versions: groups', builds' and testers' reads too.
      expect(keptAnswered).toBeGreaterThan(steps.length);
      // The caches answered (this is no test of the store alone): each second read above could be a hit.
      const stats = store.readCaches();
      expect(stats?.apiKeys.hits).toBeGreaterThan(0);
      expect(stats?.appDataVersions.hits).toBeGreaterThan(0);
      expect(stats?.testers.hits).toBeGreaterThan(0);
    });

    it("answers a group's and a build's version from memory while their app's is unchanged", async () => {
      await store.createBetaGroup(group('g1', 'a1'), []);
      await store.createBuild({
        id: 'b1',
        appId: 'a1',
        version: '7',
        uploadedAt: '2023-09-01T00:00:00.000Z',
      });
      const [groupBefore, buildBefore] = [
        await store.groupDataVersion('g1'),
        await store.buildDataVersion('b1'),
      ];
      const before = store.readCaches();
      for (let n = 0; n < 3; n++) {
        expect(await store.groupDataVersion('g1')).toEqual(groupBefore);
        expect(await store.buildDataVersion('b1')).toEqual(buildBefore);
      }
      const after = store.readCaches();
      expect(after?.groupVersions.hits).toBe((before?.groupVersions.hits ?? 0) + 3);
      expect(after?.buildVersions.hits).toBe((before?.buildVersions.hits ?? 0) + 3);
      await store.appendUsageEvents([context.event('g-e1', { appId: 'a1' })]);
      const version = await store.appDataVersion('a1');
      expect(version).not.toBe(groupBefore?.version);
      expect(await store.groupDataVersion('g1')).toEqual({ appId: 'a1', version });
      expect(await store.buildDataVersion('b1')).toEqual({ ...buildBefore, version });
    });

    it("answers a tester's apps' versions from memory while the tester exists, as the store answers them", async () => {
      const apps = ['a1', 'a2', 'nope', 'a1'];
      const uncached = () => store.snapshot((reader) => reader.testerAppDataVersions('t1', apps));
      // The first read keeps the tester, the second its apps' versions.
      expect(await store.testerAppDataVersions('t1', apps)).toEqual(await uncached());
      expect(await store.testerAppDataVersions('t1', apps)).toEqual(await uncached());
      const before = store.readCaches();
      for (let n = 0; n < 3; n++)
        expect(await store.testerAppDataVersions('t1', apps)).toEqual(await uncached());
      const after = store.readCaches();
      expect(after?.testers.hits).toBe((before?.testers.hits ?? 0) + 3);
      // a1 and a2 each time (a1 named twice is read once); `nope`, which does not exist, never.
      expect(after?.appDataVersions.hits).toBe((before?.appDataVersions.hits ?? 0) + 6);
      expect(after?.appDataVersions.misses).toBe((before?.appDataVersions.misses ?? 0) + 3);
      // An app's version raised is answered at once, the tester still from memory.
      const a2 = (await uncached())?.get('a2');
      await store.appendUsageEvents([context.event('t-e1', { appId: 'a2' })]);
      const raised = await store.testerAppDataVersions('t1', apps);
      expect(raised).toEqual(await uncached());
      expect(raised?.get('a2')).not.toBe(a2);
      expect(store.readCaches()?.testers.hits).toBe((after?.testers.hits ?? 0) + 1);
    });

    it('keeps only rows that exist: an unknown key or app is read from the store every time', async () => {
      const before = store.readCaches();
      for (let n = 0; n < 3; n++) {
        expect(await store.findApiKey('NOSUCHKEY0')).toBeUndefined();
        expect(await store.appDataVersion('nope')).toBeUndefined();
        expect(await store.testerAppDataVersions('nope', ['a1'])).toBeUndefined();
      }
      const after = store.readCaches();
      expect(after?.apiKeys.misses).toBe((before?.apiKeys.misses ?? 0) + 3);
      expect(after?.appDataVersions.misses).toBe((before?.appDataVersions.misses ?? 0) + 3);
      expect(after?.testers.misses).toBe((before?.testers.misses ?? 0) + 3);
      expect(after?.apiKeys.entries).toBe(before?.apiKeys.entries);
      expect(after?.testers.entries).toBe(before?.testers.entries);
    });
  });
}

function equal(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
