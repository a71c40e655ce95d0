import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { seedApp } from '../../../test/support/harness.js';
import {
  type TestStoreLocation,
  testBackend,
  testStoreLocation,
} from '../../../test/support/test-database.js';
import { openStore, planOfInstalledTesterCount } from '../open-store.js';

// `meta.paging.total` of the metrics endpoint must not read usage rows: it counts the app's installed
// testers from their memberships. The database's own plan of the count's query says which tables it reads.
describe(`meta.paging.total on ${testBackend()}`, () => {
  let location: TestStoreLocation;
  beforeEach(async () => {
    location = await testStoreLocation();
    const store = await openStore(location.location);
    try {
      const testers = Array.from({ length: 40 }, (_, i) => ({
        id: `t${String(i).padStart(3, '0')}`,
        sessions: i % 5,
        installed: i % 4 !== 0,
      }));
      await seedApp(store, 'a1', testers);
    } finally {
      await store.close();
    }
  });
  afterEach(() => location.cleanup());

  it('is counted from the memberships of installed testers, reading no usage table', async () => {
    const plan = await planOfInstalledTesterCount(location.location, 'a1');
    expect(plan.tables).toEqual(['app_testers']);
    expect(plan.tables.filter((table) => table.startsWith('usage_'))).toEqual([]);
  });

  it.runIf(testBackend() === 'sqlite')(
    'reads only the index of installed testers, not their rows',
    async () => {
      const plan = await planOfInstalledTesterCount(location.location, 'a1');
      expect(plan.indexes).toEqual(['app_testers_installed']);
    },
  );
});
