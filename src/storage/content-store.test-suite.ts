import { createHash } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bytesHandles, stillThere } from '../../test/support/content-bytes.js';
import { withAppDefaults } from '../domain/records/app.js';
import type { ContentRecord } from '../domain/records/content.js';
import { StoreReferenceError } from '../domain/store-problems.js';
import { openStore, type StoreLocation } from './open-store.js';
import type { Store } from './store.js';

/**
 * ContentStore (content-store.ts) on a backend: sqlite/ and postgres/ call this with a way to make a fresh
 * store's location and to remove it. Where the bytes are (files, large objects) is looked at with the file
 * system and the database's own driver, not with the code under test.
 */
export interface ContentStoreHarness {
  readonly location: StoreLocation;
  cleanup(): Promise<void>;
}

export function describeContentStore(backend: string, createHarness: () => Promise<ContentStoreHarness>) {
  describe(`ContentStore on ${backend}`, () => {
    let harness: ContentStoreHarness;
    let store: Store;
    beforeEach(async () => {
      harness = await createHarness();
      store = await openStore(harness.location);
      for (const id of ['a1', 'a2']) {
        await store.createApp(
          withAppDefaults({
            id,
            name: `App ${id}`,
            bundleId: `com.example.${id}`,
            sku: id,
            primaryLocale: 'en-US',
            createdAt: '2023-01-01T00:00:00.000Z',
          }),
        );
      }
    });
    afterEach(async () => {
      await store.close();
      await harness.cleanup();
    });

    const blob = (text: string, uploadedAt = '2023-10-05T12:00:00.000Z') => {
      const bytes = Buffer.from(text);
      const record: ContentRecord = {
        sha256: createHash('sha256').update(bytes).digest('hex'),
        mediaType: 'image/png',
        width: 3,
        height: 2,
        byteLength: bytes.length,
        uploadedAt,
      };
      return { bytes, record };
    };

    it('stores bytes once per app and reads them back, durably (from a store opened afterwards)', async () => {
      const { bytes, record } = blob('first');
      expect(await store.putContent('a1', record, bytes)).toBe('created');
      expect(await store.putContent('a1', record, bytes)).toBe('existing');
      expect(await store.putContent('a2', record, bytes)).toBe('created');
      const other = await openStore(harness.location);
      try {
        expect(await other.readContent('a1', record.sha256)).toEqual({
          mediaType: 'image/png',
          width: 3,
          height: 2,
          byteLength: bytes.length,
          bytes,
        });
      } finally {
        await other.close();
      }
      expect((await bytesHandles(harness.location)).length).toBeGreaterThan(0);
    });

    it('keeps each app’s content to itself', async () => {
      const first = blob('first');
      const second = blob('second');
      await store.putContent('a1', first.record, first.bytes);
      await store.putContent('a2', second.record, second.bytes);
      expect(await store.readContent('a2', first.record.sha256)).toBeUndefined();
      expect(await store.readContent('a1', 'f'.repeat(64))).toBeUndefined();
      expect(await store.readContent('a1', '../../beta-metrics.db')).toBeUndefined();
      const found = await store.hasContent('a1', [first.record.sha256, second.record.sha256, 'nope']);
      expect([...found.entries()]).toEqual([[first.record.sha256, first.record]]);
      expect((await store.hasContent('a2', [])).size).toBe(0);
    });

    it('refuses content of an app that does not exist', async () => {
      const { bytes, record } = blob('orphan');
      await expect(store.putContent('nope', record, bytes)).rejects.toBeInstanceOf(StoreReferenceError);
      expect(await bytesHandles(harness.location)).toEqual([]);
    });

    it('keeps bytes of any length whole, empty and a few megabytes', async () => {
      const big = Buffer.alloc(3 * 1024 * 1024 + 7, 0xa5);
      for (const bytes of [Buffer.alloc(0), big]) {
        const record = { ...blob('x').record, sha256: createHash('sha256').update(bytes).digest('hex') };
        await store.putContent('a1', { ...record, byteLength: bytes.length }, bytes);
        expect((await store.readContent('a1', record.sha256))?.bytes.equals(bytes)).toBe(true);
      }
    });

    it('prunes uploads nothing names once old enough, bytes and all, and keeps the newer ones', async () => {
      const old = blob('old', '2023-10-01T00:00:00.000Z');
      const fresh = blob('fresh', '2023-10-05T00:00:00.000Z');
      await store.putContent('a1', old.record, old.bytes);
      await store.putContent('a2', old.record, old.bytes);
      await store.putContent('a1', fresh.record, fresh.bytes);
      const before = await bytesHandles(harness.location);
      expect(await store.pruneUnnamedContent('2023-10-04T00:00:00.000Z', 1)).toBe(1);
      expect(await store.pruneUnnamedContent('2023-10-04T00:00:00.000Z', 10)).toBe(1);
      expect(await store.pruneUnnamedContent('2023-10-04T00:00:00.000Z', 10)).toBe(0);
      expect(await store.readContent('a1', old.record.sha256)).toBeUndefined();
      expect(await store.readContent('a2', old.record.sha256)).toBeUndefined();
      expect((await store.readContent('a1', fresh.record.sha256))?.bytes).toEqual(fresh.bytes);
      const after = await bytesHandles(harness.location);
      expect(await stillThere(harness.location, before)).toEqual(after);
      expect(after).toHaveLength(1);
    });

    it('takes the same bytes again after they were pruned', async () => {
      const old = blob('again', '2023-10-01T00:00:00.000Z');
      await store.putContent('a1', old.record, old.bytes);
      await store.pruneUnnamedContent('2023-10-04T00:00:00.000Z', 10);
      expect(await store.putContent('a1', old.record, old.bytes)).toBe('created');
      expect((await store.readContent('a1', old.record.sha256))?.bytes).toEqual(old.bytes);
    });

    describe('events with content', () => {
      beforeEach(async () => {
        await store.createTesters([
          {
            id: 't1',
            email: 't1@example.com',
            firstName: 'Ada',
            lastName: 'L',
            inviteType: 'EMAIL',
            createdAt: '2023-01-01T00:00:00.000Z',
          },
        ]);
        await store.addTestersToApps([
          { appId: 'a1', testerId: 't1', state: 'INVITED', invitedAt: '2023-01-02T00:00:00.000Z' },
        ]);
      });
      const feedback = (id: string, record: ContentRecord) => ({
        id,
        appId: 'a1',
        testerId: 't1',
        type: 'feedback' as const,
        occurredAt: '2023-10-05T10:00:00.000Z',
        receivedAt: '2023-10-05T10:00:01.000Z',
        content: {
          comment: 'look',
          screenshots: [{ sha256: record.sha256, mediaType: record.mediaType, width: 3, height: 2 }],
        },
      });

      it('makes one submission of an event stored twice, and keeps what it names from the prune', async () => {
        const { bytes, record } = blob('named', '2023-10-01T00:00:00.000Z');
        await store.putContent('a1', record, bytes);
        expect(await store.appendUsageEvents([feedback('f1', record)])).toEqual({
          accepted: 1,
          duplicates: 0,
        });
        expect(await store.appendUsageEvents([feedback('f1', record)])).toEqual({
          accepted: 0,
          duplicates: 1,
        });
        const submissions = await store.listScreenshotFeedback('a1', { limit: 10 });
        expect(submissions.map((s) => [s.comment, s.testerId, s.screenshots])).toEqual([
          ['look', 't1', [{ sha256: record.sha256, mediaType: 'image/png', width: 3, height: 2 }]],
        ]);
        expect(await store.pruneUnnamedContent('2023-10-04T00:00:00.000Z', 10)).toBe(0);
        expect((await store.readContent('a1', record.sha256))?.bytes).toEqual(bytes);
      });

      it('writes nothing of a batch whose submission cannot be written', async () => {
        // Not uploaded: what ingestion refuses before the store; the store's own keys refuse it too.
        const { record } = blob('never uploaded');
        await expect(store.appendUsageEvents([feedback('f1', record)])).rejects.toThrow();
        expect(await store.listUsageEvents('a1', undefined, 10)).toEqual([]);
        expect(await store.listScreenshotFeedback('a1', { limit: 10 })).toEqual([]);
      });
    });

    if (backend === 'SQLite') {
      it('leaves no temporary file behind', async () => {
        const { bytes, record } = blob('tidy');
        await store.putContent('a1', record, bytes);
        await store.putContent('a1', record, bytes);
        const folder = join(resolve((harness.location as { dataDir: string }).dataDir), 'content');
        const files = readdirSync(folder, { recursive: true, encoding: 'utf8' });
        expect(files.sort()).toEqual([
          record.sha256.slice(0, 2),
          join(record.sha256.slice(0, 2), record.sha256),
        ]);
      });
    }
  });
}
