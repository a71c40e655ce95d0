import { beforeEach, describe, expect, it } from 'vitest';
import type { Store } from './store.js';
import type { StoreSuiteContext } from './store.test-suite.js';

/**
 * SettingsStore (settings-store.ts): values kept for good, safe against concurrent first writers, on every
 * backend.
 */
export function describeSettingsStore(context: StoreSuiteContext): void {
  const { openHandle } = context;
  describe('SettingsStore', () => {
    let store: Store;
    beforeEach(() => {
      store = context.store();
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
}
