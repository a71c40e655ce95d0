import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TesterRecord } from '../domain/records/tester.js';
import type { UsageEventRecord } from '../domain/records/usage-event-record.js';
import { StoreConflictError, StoreReferenceError } from '../domain/store-problems.js';
import type { Store } from './store.js';
import { describeIngestionStore } from './store-ingestion.test-suite.js';
import { describeRateLimitStore } from './store-rate-limits.test-suite.js';
import { describeRollupStore } from './store-rollups.test-suite.js';

/**
 * The behaviour every backend must have. Each backend's test file calls this with a way to open a fresh, empty
 * store (and more handles on the same one) and to clean it up.
 */
export interface StoreHarness {
  /** Opens a handle on this test's store; called again, a second handle on the same data. */
  open(): Promise<Store>;
  cleanup(): Promise<void>;
}

export interface BackendCapabilities {
  /**
   * Whether two handles may write at once from one process, as two server nodes do. Not SQLite's: its
   * driver waits for a lock synchronously, so two handles in one thread would block each other for good.
   */
  readonly concurrentHandles: boolean;
}

export function describeStore(
  backend: string,
  createHarness: () => Promise<StoreHarness>,
  capabilities: BackendCapabilities,
): void {
  describe(`Store on ${backend}`, () => {
    let harness: StoreHarness;
    let store: Store;
    const opened: Store[] = [];
    const openHandle = async () => {
      const handle = await harness.open();
      opened.push(handle);
      return handle;
    };

    beforeEach(async () => {
      harness = await createHarness();
      store = await openHandle();
    });
    afterEach(async () => {
      for (const handle of opened.splice(0)) await handle.close();
      await harness.cleanup();
    });

    const app = (id: string, bundleId = `com.example.${id}`) => ({
      id,
      name: `App ${id}`,
      bundleId,
      sku: `SKU${id}`,
      primaryLocale: 'en-US',
      createdAt: '2023-01-01T00:00:00.000Z',
    });
    const tester = (id: string, email = `${id}@example.com`): TesterRecord => ({
      id,
      email,
      firstName: 'Ada',
      lastName: id,
      inviteType: 'EMAIL',
      createdAt: '2023-01-01T00:00:00.000Z',
    });
    const event = (id: string, over: Partial<UsageEventRecord> = {}): UsageEventRecord => ({
      id,
      appId: 'a1',
      testerId: 't1',
      type: 'session',
      occurredAt: '2023-10-05T10:00:00.000Z',
      receivedAt: '2023-10-05T10:00:01.000Z',
      ...over,
    });
    async function seedTesters(ids: string[], appId = 'a1') {
      for (const id of ids) {
        await store.createTesters([tester(id)]);
        await store.addTestersToApps([
          { appId, testerId: id, state: 'INVITED', invitedAt: '2023-01-02T00:00:00.000Z' },
        ]);
      }
    }

    describe('apps', () => {
      it('creates, finds and lists apps by id, with filters and windows', async () => {
        for (const id of ['a3', 'a1', 'a2']) await store.createApp(app(id));
        expect(await store.findApp('a2')).toEqual(app('a2'));
        expect(await store.findApp('nope')).toBeUndefined();
        expect((await store.listApps({}, { limit: 10 })).map((a) => a.id)).toEqual(['a1', 'a2', 'a3']);
        expect((await store.listApps({}, { afterId: 'a1', limit: 1 })).map((a) => a.id)).toEqual(['a2']);
        expect((await store.listApps({}, { offset: 2, limit: 5 })).map((a) => a.id)).toEqual(['a3']);
        expect(
          (await store.listApps({ bundleIds: ['com.example.a3'] }, { limit: 5 })).map((a) => a.id),
        ).toEqual(['a3']);
        expect(await store.countApps({ ids: ['a1', 'a3', 'zz'] })).toBe(2);
      });

      it('refuses a second app with the same id or bundle id', async () => {
        await store.createApp(app('a1'));
        await expect(store.createApp(app('a1', 'com.other'))).rejects.toThrow(
          new StoreConflictError('an app with this id'),
        );
        await expect(store.createApp(app('a2', 'com.example.a1'))).rejects.toThrow(
          new StoreConflictError('an app with this bundle id'),
        );
      });
    });

    describe('testers', () => {
      beforeEach(async () => {
        await store.createApp(app('a1'));
        await store.createApp(app('a2'));
      });

      it('refuses a tester whose email is taken in another case, and writes none of its batch', async () => {
        await store.createTesters([tester('t1', 'Ada@Example.com')]);
        await expect(
          store.createTesters([tester('t2', 'bob@example.com'), tester('t3', 'ada@example.COM')]),
        ).rejects.toThrow(new StoreConflictError('a tester with this email'));
        expect(await store.findTester('t2')).toBeUndefined();
      });

      it('adds testers to apps once, only to apps and testers that exist, all or none', async () => {
        await store.createTesters([tester('t1'), tester('t2')]);
        const membership = {
          appId: 'a1',
          testerId: 't1',
          state: 'INVITED' as const,
          invitedAt: '2023-01-02T00:00:00.000Z',
        };
        await store.addTestersToApps([membership]);
        await expect(
          store.addTestersToApps([{ ...membership, testerId: 't2' }, membership]),
        ).rejects.toBeInstanceOf(StoreConflictError);
        await expect(store.addTestersToApps([{ ...membership, appId: 'zz' }])).rejects.toThrow(
          new StoreReferenceError('app zz'),
        );
        await expect(store.addTestersToApps([{ ...membership, testerId: 'zz' }])).rejects.toThrow(
          new StoreReferenceError('tester zz'),
        );
        expect((await store.findTester('t2'))?.apps).toEqual([]);
      });

      it('lists testers with their state per app, filtered by app, email and id', async () => {
        await seedTesters(['t2', 't1'], 'a1');
        await store.createTesters([tester('t3', 'Zed@Example.com')]);
        await store.addTestersToApps([
          { appId: 'a2', testerId: 't3', state: 'ACCEPTED', invitedAt: '2023-01-03T00:00:00.000Z' },
          { appId: 'a2', testerId: 't1', state: 'INVITED', invitedAt: '2023-01-03T00:00:00.000Z' },
        ]);

        const all = await store.listTesters({}, { limit: 10 });
        expect(all.map((t) => t.id)).toEqual(['t1', 't2', 't3']);
        expect(all[0]?.apps).toEqual([
          { appId: 'a1', state: 'INVITED' },
          { appId: 'a2', state: 'INVITED' },
        ]);
        expect((await store.listTesters({ appIds: ['a2'] }, { limit: 10 })).map((t) => t.id)).toEqual([
          't1',
          't3',
        ]);
        expect(
          (await store.listTesters({ emails: ['zed@example.com'] }, { limit: 10 })).map((t) => t.id),
        ).toEqual(['t3']);
        expect(await store.countTesters({ appIds: ['a1', 'a2'] })).toBe(3);
        expect(
          (await store.listTesters({ appIds: ['a1'] }, { afterId: 't1', limit: 10 })).map((t) => t.id),
        ).toEqual(['t2']);
        expect((await store.findTester('t3'))?.email).toBe('Zed@Example.com');
        expect(await store.findTester('nobody')).toBeUndefined();
      });
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

      it('lists and counts as installed exactly the testers with an event, in id order', async () => {
        expect(await store.countInstalledTesters('a1', {})).toBe(0);
        await store.appendUsageEvents([
          event('i3', { testerId: 't3', type: 'install', occurredAt: '2023-10-02T00:00:00.000Z' }),
          event('i1', { testerId: 't1', occurredAt: '2023-10-03T00:00:00.000Z' }),
          event('i1b', { testerId: 't1', type: 'install', occurredAt: '2023-10-01T00:00:00.000Z' }),
        ]);
        expect(await store.listInstalledTesterIds('a1', {}, { limit: 10 })).toEqual(['t1', 't3']);
        expect(await store.listInstalledTesterIds('a1', {}, { afterId: 't1', limit: 10 })).toEqual(['t3']);
        expect(await store.listInstalledTesterIds('a1', {}, { offset: 1, limit: 10 })).toEqual(['t3']);
        expect(await store.countInstalledTesters('a1', {})).toBe(2);
        expect(await store.countInstalledTesters('a1', { testerId: 't3' })).toBe(1);
        expect(await store.countInstalledTesters('a1', { testerId: 't2' })).toBe(0);
        const [t1] = await store.listTesters({ ids: ['t1'] }, { limit: 1 });
        expect(t1?.apps).toEqual([{ appId: 'a1', state: 'INSTALLED' }]);
      });

      it('reads one snapshot inside snapshot() while another handle writes', async () => {
        const other = await openHandle();
        await store.appendUsageEvents([event('s1', { testerId: 't1' })]);
        const seen = await store.snapshot(async (reader) => {
          const before = await reader.countInstalledTesters('a1', {});
          await other.appendUsageEvents([event('s2', { testerId: 't2' })]);
          const after = await reader.countInstalledTesters('a1', {});
          return [before, after];
        });
        expect(seen).toEqual([1, 1]);
        expect(await store.countInstalledTesters('a1', {})).toBe(2);
      });
    });

    // In a file of its own to keep both small; every backend runs it through describeStore.
    describe('ingestion', () => {
      describeIngestionStore({ store: () => store, app, tester, event, seedTesters });
    });

    describeRateLimitStore({ store: () => store, openHandle });

    describeRollupStore({
      store: () => store,
      event,
      seed: async () => {
        await store.createApp(app('a1'));
        await store.createApp(app('a2'));
        await seedTesters(['t1', 't2', 't3']);
      },
    });

    describe('api keys and settings', () => {
      it('stores public keys and revokes them once', async () => {
        const key = {
          keyId: 'ABCDE12345',
          name: 'CI',
          role: 'ADMIN',
          kind: 'TEAM' as const,
          publicKey: '-----BEGIN PUBLIC KEY-----\nx\n-----END PUBLIC KEY-----\n',
          createdAt: '2023-01-01T00:00:00.000Z',
          revokedAt: null,
        };
        await store.createApiKey(key);
        await expect(store.createApiKey(key)).rejects.toBeInstanceOf(StoreConflictError);
        expect(await store.findApiKey('ABCDE12345')).toEqual(key);
        expect(await store.revokeApiKey('ABCDE12345', '2023-02-01T00:00:00.000Z')).toBe(true);
        expect(await store.revokeApiKey('ABCDE12345', '2023-03-01T00:00:00.000Z')).toBe(false);
        expect(await store.revokeApiKey('NOSUCHKEY1', '2023-03-01T00:00:00.000Z')).toBe(false);
        expect((await store.listApiKeys())[0]?.revokedAt).toBe('2023-02-01T00:00:00.000Z');
      });

      it('keeps the first value of a setting under concurrent inserts, and overwrites on set', async () => {
        const other = await openHandle();
        const values = await Promise.all([
          store.settingOrInsert('k', 'one'),
          other.settingOrInsert('k', 'two'),
        ]);
        expect(values[0]).toBe(values[1]);
        await store.setSetting('k', 'three');
        expect(await other.setting('k')).toBe('three');
        expect(await store.setting('missing')).toBeUndefined();
      });
    });
  });
}
