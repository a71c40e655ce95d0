import { beforeEach, describe, expect, it } from 'vitest';
import type { Store } from './store.js';
import type { StoreSuiteContext } from './store.test-suite.js';

/**
 * SnapshotStore (snapshot-store.ts): reads that agree with each other while writes go on, on every backend.
 */
export function describeSnapshotStore(context: StoreSuiteContext): void {
  const { event, openHandle } = context;
  describe('SnapshotStore', () => {
    let store: Store;
    beforeEach(() => {
      store = context.store();
    });

    describe('usage', () => {
      beforeEach(async () => {
        await context.seedApps();
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
  });
}
