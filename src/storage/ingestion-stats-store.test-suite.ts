import { beforeEach, describe, expect, it } from 'vitest';
import type { Store } from './store.js';
import type { StoreSuiteContext } from './store.test-suite.js';

/**
 * IngestionStatsStore (ingestion-stats-store.ts): each app's accepted, duplicate and refused events, on every
 * backend.
 */
export function describeIngestionStatsStore(context: StoreSuiteContext): void {
  const { event } = context;
  describe('IngestionStatsStore', () => {
    let store: Store;
    beforeEach(async () => {
      store = context.store();
      await context.seedIngestion();
    });

    describe('ingestion counters', () => {
      it('starts empty, and counts accepted and duplicate events per app, repeats within a batch included', async () => {
        expect(await store.ingestStats()).toEqual([]);
        await store.appendUsageEvents([event('e1'), event('e2'), event('e1'), event('x1', { appId: 'a2' })]);
        await store.appendUsageEvents([event('e2'), event('e3'), event('x1', { appId: 'a2' })]);
        expect(await store.ingestStats()).toEqual([
          { appId: 'a1', accepted: 3, duplicates: 2, rejected: 0, refusedBatches: 0, reasons: [] },
          { appId: 'a2', accepted: 1, duplicates: 1, rejected: 0, refusedBatches: 0, reasons: [] },
        ]);
      });

      it('counts refused events and batches, and reasons most frequent first with their last detail', async () => {
        const reason = (name: string, detail: string, at: string) => ({ reason: name, detail, at });
        await store.recordRefusal('a1', {
          events: 5,
          batches: 1,
          reasons: [
            reason('R1 timestamp', 'first', '2023-10-05T10:00:00.000Z'),
            reason('R2 type', 'only', '2023-10-05T10:00:00.000Z'),
            reason('R1 timestamp', 'second', '2023-10-05T10:00:01.000Z'),
          ],
        });
        await store.recordRefusal('a1', {
          events: 0,
          batches: 1,
          reasons: [reason('R1 timestamp', 'third', '2023-10-05T11:00:00.000Z')],
        });
        await store.recordRefusal('a2', {
          events: 1,
          batches: 0,
          reasons: [reason('R2 type', 'other app', '2023-10-05T12:00:00.000Z')],
        });
        await store.recordRefusal('a2', { events: 0, batches: 0, reasons: [] });
        await store.appendUsageEvents([event('e1')]);
        expect(await store.ingestStats()).toEqual([
          {
            appId: 'a1',
            accepted: 1,
            duplicates: 0,
            rejected: 5,
            refusedBatches: 2,
            reasons: [
              { reason: 'R1 timestamp', count: 3, lastAt: '2023-10-05T11:00:00.000Z', lastDetail: 'third' },
              { reason: 'R2 type', count: 1, lastAt: '2023-10-05T10:00:00.000Z', lastDetail: 'only' },
            ],
          },
          {
            appId: 'a2',
            accepted: 0,
            duplicates: 0,
            rejected: 1,
            refusedBatches: 0,
            reasons: [
              { reason: 'R2 type', count: 1, lastAt: '2023-10-05T12:00:00.000Z', lastDetail: 'other app' },
            ],
          },
        ]);
      });
    });
  });
}
