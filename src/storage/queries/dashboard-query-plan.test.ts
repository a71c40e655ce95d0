import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { seedApp } from '../../../test/support/harness.js';
import {
  type TestStoreLocation,
  testBackend,
  testStoreLocation,
} from '../../../test/support/test-database.js';
import { openStore, planOf } from '../open-store.js';
import { betaGroupSummariesQuery } from './beta-group-summaries.js';
import { buildUsageQuery } from './build-usage.js';
import { dailyUsageQuery } from './dashboard.js';

// The dashboard's chart reads an app's daily rollups by day. Through the primary key, which leads
// with the tester, it would read every daily row of the app, whatever the period: seconds on the reference
// workload (migration 0006). The plan must go through the index by app and day.
describe(`the dashboard's daily series on ${testBackend()}`, () => {
  let location: TestStoreLocation;
  beforeEach(async () => {
    location = await testStoreLocation();
    const store = await openStore(location.location);
    try {
      await seedApp(
        store,
        'a1',
        Array.from({ length: 20 }, (_, i) => ({ id: `t${i}`, sessions: 3, installed: true })),
      );
    } finally {
      await store.close();
    }
  });
  afterEach(() => location.cleanup());

  it.runIf(testBackend() === 'sqlite')(
    'reads the daily rollups through their index by app and day',
    async () => {
      const plan = await planOf(location.location, (db) =>
        dailyUsageQuery(db, 'a1', '2023-09-01', '2023-09-30'),
      );
      expect(plan.tables).toEqual(['usage_daily']);
      expect(plan.indexes).toEqual(['usage_daily_by_app_day']);
    },
  );

  // The builds page sums a window of the daily rollups per build: the same index, whatever the period.
  it.runIf(testBackend() === 'sqlite')(
    "reads a window's usage per build through the daily rollups' index by app and day",
    async () => {
      const plan = await planOf(location.location, (db) =>
        buildUsageQuery(db, 'a1', '2023-09-01', '2023-09-30'),
      );
      expect(plan.tables).toEqual(['usage_daily']);
      expect(plan.indexes).toEqual(['usage_daily_by_app_day']);
    },
  );

  it.runIf(testBackend() === 'sqlite')(
    "reads an app's groups by app, and counts their members through the keys",
    async () => {
      const plan = await planOf(location.location, (db) => betaGroupSummariesQuery(db, 'a1'));
      // Every table through an index: the groups by app (0008), the members by their primary keys.
      expect([...plan.indexes].sort()).toEqual([
        'beta_groups_by_app',
        'sqlite_autoindex_app_testers_1',
        'sqlite_autoindex_beta_group_testers_1',
      ]);
    },
  );
});
