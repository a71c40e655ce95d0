import { createHash } from 'node:crypto';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bytesHandles, stillThere } from '../../test/support/content-bytes.js';
import { demoServices, FILLED_SCREENSHOT, fillStore, tableRows } from '../../test/support/filled-store.js';
import { metricsOf } from '../../test/support/usage-pages.js';
import { eventSubmissionId } from '../domain/ids.js';
import { SnapshotProblem, type SnapshotProblemKind } from '../domain/snapshot-problems.js';
import { PAGE_APP, SECOND_APP } from '../services/demo/demo-fixture.js';
import { openStore, type StoreLocation } from './open-store.js';
import type { Store } from './store.js';

/**
 * SnapshotAdminStore (snapshot-admin-store.ts) on a backend: sqlite/ and postgres/ call this with a way to
 * make a fresh store's location and to remove it (its snapshots with it). Each test starts from a store with
 * rows in every table (test/support/filled-store.ts) and compares what it reads with the database's own
 * driver, not with the code under test.
 */
export interface SnapshotStoreHarness {
  readonly location: StoreLocation;
  cleanup(): Promise<void>;
}

export function describeSnapshotAdminStore(
  backend: string,
  createHarness: () => Promise<SnapshotStoreHarness>,
): void {
  describe(`SnapshotAdminStore on ${backend}`, () => {
    let harness: SnapshotStoreHarness;
    let store: Store;
    beforeEach(async () => {
      harness = await createHarness();
      await fillStore(harness.location);
      store = await openStore(harness.location);
    });
    afterEach(async () => {
      await store.close();
      await harness.cleanup();
    });

    /** Changes every kind of data a test may change after a snapshot: entities, events, keys, counters. */
    async function changeEverything(): Promise<void> {
      const services = await demoServices(store);
      await store.createApp({
        id: '9000000001',
        name: 'Made after',
        bundleId: 'com.example.after',
        sku: 'AFTER',
        primaryLocale: 'en-US',
        createdAt: '2023-10-05T00:00:00.000Z',
      });
      const [tester] = (await store.listTesters({}, { limit: 1 })).map((t) => t.id);
      if (tester === undefined) throw new Error('the filled store has no testers');
      await store.addTestersToApps([
        { appId: '9000000001', testerId: tester, state: 'INSTALLED', invitedAt: '2023-10-05T00:00:00.000Z' },
      ]);
      await store.appendUsageEvents([
        event('after-1', PAGE_APP.id, tester),
        event('after-2', '9000000001', tester),
      ]);
      for (const key of await store.listApiKeys()) await services.apiKeys.revoke(key.keyId).catch(() => {});
      await services.apiKeys.create({ name: 'Made after', role: 'ADMIN' });
      await services.ingestKeys.create(SECOND_APP.id);
      await store.setSetting('made_after', 'yes');
      await store.countRequests('made-after', 1, 60, 3600, 1);
    }

    it('restores every row of every table as saved, and the metrics with them', async () => {
      const saved = await tableRows(harness.location);
      const metrics = await metricsOf(await demoServices(store), PAGE_APP.id);
      expect((await store.saveSnapshot('baseline', { replace: false })).name).toBe('baseline');

      await changeEverything();
      const changed = await tableRows(harness.location);
      for (const table of ['apps', 'app_testers', 'usage_events', 'usage_daily', 'api_keys', 'settings'])
        expect(changed[table], table).not.toEqual(saved[table]);
      expect(await metricsOf(await demoServices(store), PAGE_APP.id)).not.toEqual(metrics);

      const restored = await store.restoreSnapshot('baseline');
      expect(restored.name).toBe('baseline');
      const after = await tableRows(harness.location);
      const { app_data_versions: versionsAfter, ...rowsAfter } = after;
      const { app_data_versions: versionsSaved, ...rowsSaved } = saved;
      expect(rowsAfter).toEqual(rowsSaved);
      expect(versionsAfter?.length).toBeGreaterThanOrEqual(versionsSaved?.length ?? 0);
      expect(await metricsOf(await demoServices(store), PAGE_APP.id)).toEqual(metrics);
      // Restoring twice gives the same rows: the snapshot stays as saved.
      await changeEverything();
      await store.restoreSnapshot('baseline');
      const { app_data_versions: _again, ...rowsAgain } = await tableRows(harness.location);
      expect(rowsAgain).toEqual(rowsSaved);
    });

    it('keeps the bytes of the screenshots it names, which the store deleted since, and drops the later ones', async () => {
      const sha256 = createHash('sha256').update(FILLED_SCREENSHOT).digest('hex');
      const submission = eventSubmissionId(PAGE_APP.id, 'filled-feedback-with-screenshot');
      await store.saveSnapshot('content', { replace: false });
      await store.deleteScreenshotFeedback(submission);
      expect(await store.readContent(PAGE_APP.id, sha256)).toBeUndefined();
      const later = await sharp({ create: { width: 5, height: 5, channels: 3, background: '#fff' } })
        .png()
        .toBuffer();
      const upload = await (await demoServices(store)).screenshotUploads.upload(PAGE_APP.id, later);
      const laterBytes = await bytesHandles(harness.location);
      expect(laterBytes).toHaveLength(1);

      for (let restore = 1; restore <= 2; restore++) {
        await store.restoreSnapshot('content');
        expect((await store.readContent(PAGE_APP.id, sha256))?.bytes.equals(FILLED_SCREENSHOT)).toBe(true);
        expect(await store.readContent(PAGE_APP.id, upload.id)).toBeUndefined();
        expect(await stillThere(harness.location, laterBytes)).toEqual([]);
        // Deleted again after the restore; the snapshot still has them for the next.
        await store.deleteScreenshotFeedback(submission);
        expect(await bytesHandles(harness.location)).toEqual([]);
      }
      await store.deleteSnapshot('content');
    });

    it("leaves the store's migrations as they are: it opens again without migrating", async () => {
      const apps = await store.listApps({}, { limit: 10 });
      await store.saveSnapshot('baseline', { replace: false });
      await store.restoreSnapshot('baseline');
      await store.close();
      store = await openStore(harness.location, { migrate: false });
      expect(await store.listApps({}, { limit: 10 })).toEqual(apps);
    });

    it('sets every app a data version above any before, the apps the snapshot lacks included', async () => {
      await store.saveSnapshot('baseline', { replace: false });
      await changeEverything();
      const before = Math.max(
        ...(await Promise.all([PAGE_APP.id, SECOND_APP.id, '9000000001'].map(version))),
      );
      await store.restoreSnapshot('baseline');
      expect(await version(PAGE_APP.id)).toBeGreaterThan(before);
      expect(await version(SECOND_APP.id)).toBeGreaterThan(before);
      // The app made after the snapshot is gone; made again, it counts on from above any version it had.
      expect(await store.appDataVersion('9000000001')).toBeUndefined();
      await store.createApp({
        id: '9000000001',
        name: 'Made again',
        bundleId: 'com.example.again',
        sku: 'AGAIN',
        primaryLocale: 'en-US',
        createdAt: '2023-10-05T00:00:00.000Z',
      });
      expect(await version('9000000001')).toBeGreaterThan(before);
    });

    it('is seen at once by another handle on the store (another process or node)', async () => {
      const other = await openStore(harness.location);
      try {
        await store.saveSnapshot('baseline', { replace: false });
        const apps = (await other.listApps({}, { limit: 10 })).map((app) => app.id);
        await changeEverything();
        expect(await other.listApps({}, { limit: 10 })).toHaveLength(apps.length + 1);
        await other.restoreSnapshot('baseline');
        expect((await store.listApps({}, { limit: 10 })).map((app) => app.id)).toEqual(apps);
        expect(await store.listSnapshots()).toEqual(await other.listSnapshots());
      } finally {
        await other.close();
      }
    });

    it('lists snapshots by name with when each was saved, and deletes them', async () => {
      expect(await store.listSnapshots()).toEqual([]);
      const started = Date.now();
      for (const name of ['b', 'a-1', 'A_2']) await store.saveSnapshot(name, { replace: false });
      const listed = await store.listSnapshots();
      expect(listed.map((snapshot) => snapshot.name)).toEqual(['A_2', 'a-1', 'b']);
      for (const { savedAt } of listed) {
        expect(savedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
        expect(Date.parse(savedAt)).toBeGreaterThanOrEqual(started - 2_000);
      }
      await store.deleteSnapshot('a-1');
      expect((await store.listSnapshots()).map((snapshot) => snapshot.name)).toEqual(['A_2', 'b']);
      await expectProblem(store.deleteSnapshot('a-1'), 'unknown');
      await expectProblem(store.restoreSnapshot('a-1'), 'unknown');
    });

    it('refuses to save over a snapshot unless told to replace it', async () => {
      const saved = await tableRows(harness.location);
      await store.saveSnapshot('state', { replace: false });
      await changeEverything();
      await expectProblem(store.saveSnapshot('state', { replace: false }), 'exists');
      await store.restoreSnapshot('state');
      expect((await tableRows(harness.location)).apps).toEqual(saved.apps);

      await changeEverything();
      const changedApps = (await tableRows(harness.location)).apps;
      await store.saveSnapshot('state', { replace: true });
      await store.restoreSnapshot('state');
      expect((await tableRows(harness.location)).apps).toEqual(changedApps);
      expect((await store.listSnapshots()).map((snapshot) => snapshot.name)).toEqual(['state']);
    });

    it('refuses names that break the rule, and unknown snapshots, before touching anything', async () => {
      const bad = [
        '',
        'a'.repeat(65),
        '../x',
        'a/b',
        'a.b',
        'a b',
        'ü',
        "x'; drop table apps; --",
        'a\u0000',
      ];
      for (const name of bad) {
        await expectProblem(store.saveSnapshot(name, { replace: true }), 'name');
        await expectProblem(store.restoreSnapshot(name), 'name');
        await expectProblem(store.deleteSnapshot(name), 'name');
      }
      await store.saveSnapshot('a'.repeat(64), { replace: false });
      await expectProblem(store.restoreSnapshot('nothing-saved'), 'unknown');
      await expectProblem(store.deleteSnapshot('nothing-saved'), 'unknown');
      expect((await store.listSnapshots()).map((snapshot) => snapshot.name)).toEqual(['a'.repeat(64)]);
    });

    it('refuses to restore a snapshot saved under other migrations, changing nothing', async () => {
      await store.saveSnapshot('old', { replace: false });
      await forgetLastMigration(harness.location, 'old');
      await changeEverything();
      const changed = await tableRows(harness.location);
      const refused = await expectProblem(store.restoreSnapshot('old'), 'incompatible');
      expect(refused.detail).toMatch(/^saved before the migrations \d{4}-/);
      expect(await tableRows(harness.location)).toEqual(changed);
    });

    async function version(appId: string): Promise<number> {
      return Number(await store.appDataVersion(appId));
    }
  });
}

function event(id: string, appId: string, testerId: string) {
  return {
    id,
    appId,
    testerId,
    type: 'session' as const,
    occurredAt: '2023-10-04T10:00:00.000Z',
    receivedAt: '2023-10-04T10:00:00.000Z',
  };
}

async function expectProblem(work: Promise<unknown>, kind: SnapshotProblemKind): Promise<SnapshotProblem> {
  const error = await work.then(
    () => undefined,
    (failure: unknown) => failure,
  );
  expect(error).toBeInstanceOf(SnapshotProblem);
  expect((error as SnapshotProblem).kind).toBe(kind);
  return error as SnapshotProblem;
}

/** Makes snapshot `name` look saved before the store's last migration, as one from an older version would. */
async function forgetLastMigration(location: StoreLocation, name: string): Promise<void> {
  if (!('databaseUrl' in location)) {
    const db = new Database(join(resolve(location.dataDir), 'snapshots', `${name}.db`));
    try {
      db.prepare('delete from kysely_migration where name = (select max(name) from kysely_migration)').run();
    } finally {
      db.close();
    }
    return;
  }
  const client = new pg.Client({ connectionString: location.databaseUrl });
  await client.connect();
  try {
    const found = await client.query<{ schema: string }>(
      `select nspname as schema from pg_namespace
       where case when starts_with(nspname, 'bm_snapshot_')
         then obj_description(oid, 'pg_namespace')::jsonb @> jsonb_build_object('store', current_schema(), 'name', $1::text)
         else false end`,
      [name],
    );
    const schema = found.rows[0]?.schema;
    if (schema === undefined) throw new Error(`no schema holds the snapshot ${name}`);
    await client.query(
      `delete from ${schema}.snapshot_migrations where name = (select max(name) from ${schema}.snapshot_migrations)`,
    );
  } finally {
    await client.end();
  }
}
