import { beforeEach, describe, expect, it } from 'vitest';
import type { Store } from './store.js';
import type { StoreSuiteContext } from './store.test-suite.js';

/**
 * Which testers ingestion marks INSTALLED, and since when (queries/installs.ts), as the listings show it, on
 * every backend; describeStore runs it.
 */
export function describeInstallsStore(context: StoreSuiteContext): void {
  const { event, seedTesters } = context;
  describe('installs', () => {
    let store: Store;
    beforeEach(async () => {
      store = context.store();
      await context.seedApps();
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

    // A tester is installed since their earliest event (queries/installs.ts): a later event changes neither
    // their row nor the listing; an earlier one moves the install back; a revoked tester stays revoked.
    it('marks testers installed as their events say: later events change no listing, earlier ones do', async () => {
      await seedTesters(['t4']);
      await store.removeTestersFromApps([{ appId: 'a1', testerId: 't4' }]);
      await store.addTestersToApps([
        { appId: 'a1', testerId: 't4', state: 'REVOKED', invitedAt: '2023-01-02T00:00:00.000Z' },
      ]);
      const listingVersion = async () =>
        (
          await store.statement((reader) =>
            reader.readUsagePage('a1', {}, { offset: 0, limit: 10 }, '2023-09-01', '2023-10-31'),
          )
        )?.listingVersion;
      const states = async () =>
        (await store.listTesters({ ids: ['t1', 't4'] }, { limit: 2 })).map((tester) => tester.apps);
      const at = (day: string) => ({ occurredAt: `2023-10-${day}T08:00:00.000Z` });
      await store.appendUsageEvents([
        event('x1', { testerId: 't1', ...at('05') }),
        event('x2', { testerId: 't4', ...at('05') }),
      ]);
      expect(await states()).toEqual([
        [{ appId: 'a1', state: 'INSTALLED' }],
        [{ appId: 'a1', state: 'REVOKED' }],
      ]);
      const installed = await listingVersion();

      await store.appendUsageEvents([
        event('y1', { testerId: 't1', ...at('06') }),
        event('y2', { testerId: 't4', ...at('07') }),
      ]);
      expect(await listingVersion()).toBe(installed);

      await store.appendUsageEvents([event('z1', { testerId: 't1', ...at('01') })]);
      const movedBack = await listingVersion();
      expect(movedBack).not.toBe(installed);
      await store.appendUsageEvents([event('z2', { testerId: 't4', ...at('02') })]);
      expect(await listingVersion()).not.toBe(movedBack);
      expect(await states()).toEqual([
        [{ appId: 'a1', state: 'INSTALLED' }],
        [{ appId: 'a1', state: 'REVOKED' }],
      ]);
    });
  });
}
