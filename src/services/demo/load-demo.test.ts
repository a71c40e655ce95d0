import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type TestStoreLocation, testStoreLocation } from '../../../test/support/test-database.js';
import { openStore } from '../../storage/open-store.js';
import type { Store } from '../../storage/store.js';
import { CURSOR_KEY_SETTING } from '../services.js';
import { demoCursorKey, FIXED_TESTERS } from './demo-fixture.js';
import { loadDemoData } from './load-demo.js';

describe('loading the demo', () => {
  let location: TestStoreLocation;
  let store: Store;
  beforeEach(async () => {
    location = await testStoreLocation();
    store = await openStore(location.location);
  });
  afterEach(async () => {
    await store.close();
    await location.cleanup();
  });

  it('writes it once; a second start finds it and writes nothing', async () => {
    const first = await loadDemoData(store);
    expect(first).toMatchObject({ loaded: true, apps: 3 });
    const testers = await store.countTesters({});
    const second = await loadDemoData(store);
    expect(second.loaded).toBe(false);
    expect(await store.countTesters({})).toBe(testers);
    expect(await store.countInstalledTesters('6447306070', {})).toBe(931);
  });

  it('completes a load that died half-way without counting anything twice', async () => {
    const died = loadDemoData(store, (done) => {
      if (done >= 3000) throw new Error('killed mid-load');
    });
    await expect(died).rejects.toThrow('killed mid-load');
    expect(await store.setting('demo_loaded')).toBeUndefined();

    expect((await loadDemoData(store)).loaded).toBe(true);
    expect(await store.countInstalledTesters('6447306070', {})).toBe(931);
    for (const tester of FIXED_TESTERS) {
      const sums = await store.sumUsageByTester(tester.appId, [tester.id], '2022-10-06', '2023-10-05');
      expect(sums.get(tester.id)).toEqual(tester.year);
    }
  });

  it("gives a store of its own the demo's cursor key, and leaves an operator's store its own", async () => {
    await loadDemoData(store);
    expect(await store.setting(CURSOR_KEY_SETTING)).toBe(demoCursorKey().toString('base64url'));

    const otherLocation = await testStoreLocation();
    const other = await openStore(otherLocation.location);
    try {
      await other.setSetting(CURSOR_KEY_SETTING, 'operators-own-key');
      await other.createApp({
        id: '1',
        name: 'Mine',
        bundleId: 'com.example.mine',
        sku: 'M',
        primaryLocale: 'en-US',
        createdAt: '2023-01-01T00:00:00.000Z',
      });
      await loadDemoData(other);
      expect(await other.setting(CURSOR_KEY_SETTING)).toBe('operators-own-key');
    } finally {
      await other.close();
      await otherLocation.cleanup();
    }
  });
});
