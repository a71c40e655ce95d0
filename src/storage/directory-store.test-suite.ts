import { beforeEach, describe, expect, it } from 'vitest';
import { StoreConflictError, StoreReferenceError } from '../domain/store-problems.js';
import type { Store } from './store.js';
import type { StoreSuiteContext } from './store.test-suite.js';

/** DirectoryStore (directory-store.ts): apps, testers and their memberships, on every backend. */
export function describeDirectoryStore(context: StoreSuiteContext): void {
  const { app, tester, event, seedTesters } = context;
  describe('DirectoryStore', () => {
    let store: Store;
    beforeEach(() => {
      store = context.store();
    });

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
          new StoreReferenceError('app zz', { kind: 'app', id: 'zz' }),
        );
        await expect(store.addTestersToApps([{ ...membership, testerId: 'zz' }])).rejects.toThrow(
          new StoreReferenceError('tester zz', { kind: 'tester', id: 'zz' }),
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

    describe('memberships', () => {
      beforeEach(async () => {
        await context.seedIngestion();
      });

      it('knows which testers belong to an app, in any state', async () => {
        await store.createTesters([context.tester('t9')]);
        await store.addTestersToApps([
          { appId: 'a2', testerId: 't9', state: 'INVITED', invitedAt: '2023-01-02T00:00:00.000Z' },
        ]);
        await store.appendUsageEvents([event('i2', { testerId: 't2', type: 'install' })]);
        expect(await store.testersOfApp('a1', ['t2', 't1', 't9', 'nobody', 't1'])).toEqual(
          new Set(['t1', 't2']),
        );
        expect(await store.testersOfApp('a2', ['t2', 't9', 't1'])).toEqual(new Set(['t1', 't9']));
        expect(await store.testersOfApp('a1', [])).toEqual(new Set());
      });

      it('finds testers whose ids a list parameter must escape (ingestion binds them as one)', async () => {
        const odd = ['q"uote', 'back\\slash', "it's", 'com,ma', '{brace}', 'ünï', 'sp ace', 'NULL'];
        await store.createTesters(odd.map((id) => context.tester(id)));
        await store.addTestersToApps(
          odd.map((testerId) => ({
            appId: 'a1',
            testerId,
            state: 'INVITED',
            invitedAt: '2023-01-02T00:00:00.000Z',
          })),
        );
        expect(await store.testersOfApp('a1', [...odd, 'nobody', 'quote', 'null'])).toEqual(new Set(odd));
      });
    });
  });
}
