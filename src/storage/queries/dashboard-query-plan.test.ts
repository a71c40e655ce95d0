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
import { feedbackInboxQuery } from './feedback-inbox.js';

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

  // The feedback inbox reads one page of each kind through its index by app and date (0008), whatever the
  // filters and however far it has paged, and each row's build, tester and log by their keys.
  it.runIf(testBackend() === 'sqlite')(
    "reads a page of the feedback inbox through each kind's index by app and date",
    async () => {
      for (const query of [
        { limit: 51 },
        {
          kind: 'crash' as const,
          buildId: 'b1',
          testerId: 't1',
          after: { createdDate: '2023-10-01T00:00:00.000Z', id: 'x', kind: 'screenshot' as const },
          limit: 51,
        },
      ]) {
        const plan = await planOf(location.location, (db) => feedbackInboxQuery(db, 'a1', query));
        const byApp = [...plan.indexes].filter((index) => index.endsWith('_by_app')).sort();
        expect(byApp, JSON.stringify(query)).toEqual(
          query.kind === undefined
            ? ['beta_feedback_crash_submissions_by_app', 'beta_feedback_screenshot_submissions_by_app']
            : ['beta_feedback_crash_submissions_by_app'],
        );
        expect([...plan.indexes].filter((index) => !index.endsWith('_by_app')).sort()).toEqual([
          'sqlite_autoindex_beta_crash_logs_1',
          'sqlite_autoindex_beta_testers_1',
          'sqlite_autoindex_builds_1',
          'sqlite_autoindex_pre_release_versions_1',
        ]);
      }
    },
  );
});
