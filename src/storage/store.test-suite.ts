import { afterEach, beforeEach, describe } from 'vitest';
import { type AppRecord, withAppDefaults } from '../domain/records/app.js';
import type { TesterRecord } from '../domain/records/tester.js';
import type { UsageEventRecord } from '../domain/records/usage-event-record.js';
import { describeDirectoryStore } from './directory-store.test-suite.js';
import { describeIngestionStatsStore } from './ingestion-stats-store.test-suite.js';
import { describeKeyStore } from './key-store.test-suite.js';
import { describeRateLimitStore } from './rate-limit-store.test-suite.js';
import { describeReadCaches } from './read-caches.test-suite.js';
import { describeSettingsStore } from './settings-store.test-suite.js';
import { describeSiblingUsageStore } from './sibling-usage.test-suite.js';
import { describeSnapshotStore } from './snapshot-store.test-suite.js';
import type { Store } from './store.js';
import { describeTestFlightStore } from './testflight-store.test-suite.js';
import { describeTestFlightTesterWrites } from './testflight-tester-writes.test-suite.js';
import { describeTestFlightWrites } from './testflight-writes.test-suite.js';
import { describeUsagePageStore } from './usage-page.test-suite.js';
import { describeUsageStore } from './usage-store.test-suite.js';
import { describeRollupStore } from './usage-store-rollups.test-suite.js';
import { describeBatchStore } from './usage-store-batches.test-suite.js';
import { describeInstallsStore } from './usage-store-installs.test-suite.js';

/**
 * The behaviour every backend must have. Each backend's test file calls this with a way to open a fresh, empty
 * store (and more handles on the same one) and to clean it up; this runs the suite of every store interface
 * (`<interface>.test-suite.ts`, beside the interface) on it. The dashboard's interface has a caller of its own
 * (dashboard-store.test-suite.ts).
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

/** What describeStore gives the suite of each interface: this test's store, more handles, and fixtures. */
export interface StoreSuiteContext {
  /** This test's store, fresh and empty before each test. */
  store(): Store;
  /** Another handle on the same data (another node); closed after the test. */
  openHandle(): Promise<Store>;
  readonly capabilities: BackendCapabilities;
  /** An app with every attribute at Apple's defaults, as findApp reads it back. */
  app(id: string, bundleId?: string): AppRecord;
  tester(id: string, email?: string): TesterRecord;
  event(id: string, over?: Partial<UsageEventRecord>): UsageEventRecord;
  /** Creates the testers `ids` one by one, each INVITED to `appId` (a1 by default). */
  seedTesters(ids: string[], appId?: string): Promise<void>;
  /** Apps a1 and a2, and testers t1, t2 and t3 in a1. */
  seedApps(): Promise<void>;
  /** seedApps, and t1 in a2 as well: what the ingestion tests start from. */
  seedIngestion(): Promise<void>;
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

    const app = (id: string, bundleId = `com.example.${id}`) =>
      withAppDefaults({
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
    async function seedApps() {
      await store.createApp(app('a1'));
      await store.createApp(app('a2'));
      await seedTesters(['t1', 't2', 't3']);
    }

    const context: StoreSuiteContext = {
      store: () => store,
      openHandle,
      capabilities,
      app,
      tester,
      event,
      seedTesters,
      seedApps,
      async seedIngestion() {
        await seedApps();
        await store.addTestersToApps([
          { appId: 'a2', testerId: 't1', state: 'INVITED', invitedAt: '2023-01-02T00:00:00.000Z' },
        ]);
      },
    };
    describeDirectoryStore(context);
    describeTestFlightStore(context);
    describeTestFlightWrites(context);
    describeTestFlightTesterWrites(context);
    describeUsageStore(context);
    describeUsagePageStore(context);
    describeRollupStore(context);
    describeBatchStore(context);
    describeInstallsStore(context);
    describeSiblingUsageStore(context);
    describeSnapshotStore(context);
    describeIngestionStatsStore(context);
    describeKeyStore(context);
    describeRateLimitStore(context);
    describeSettingsStore(context);
    describeReadCaches(context);
  });
}
