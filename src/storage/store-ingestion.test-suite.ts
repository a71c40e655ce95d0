import { beforeEach, describe, expect, it } from 'vitest';
import type { AppRecord } from '../domain/records/app.js';
import type { TesterRecord } from '../domain/records/tester.js';
import type { UsageEventRecord } from '../domain/records/usage-event-record.js';
import { StoreConflictError } from '../domain/store-problems.js';
import type { Store } from './store.js';

/** What describeStore shares with the ingestion part of the suite: this test's store and its fixtures. */
export interface IngestionSuiteContext {
  store(): Store;
  app(id: string): AppRecord;
  tester(id: string): TesterRecord;
  event(id: string, over?: Partial<UsageEventRecord>): UsageEventRecord;
  seedTesters(ids: string[], appId?: string): Promise<void>;
}

/** The ingestion methods of the Store: ingest keys, counters, rejections, raw events and pruning. */
export function describeIngestionStore(context: IngestionSuiteContext): void {
  const { app, event } = context;
  let store: Store;
  beforeEach(async () => {
    store = context.store();
    await store.createApp(app('a1'));
    await store.createApp(app('a2'));
    await context.seedTesters(['t1', 't2', 't3']);
    await store.addTestersToApps([
      { appId: 'a2', testerId: 't1', state: 'INVITED', invitedAt: '2023-01-02T00:00:00.000Z' },
    ]);
  });

  describe('batches written at once', () => {
    it('answers each as if written alone, each id accepted in exactly one of them', async () => {
      const results = await Promise.all([
        store.appendUsageEvents([event('g1'), event('g2')]),
        store.appendUsageEvents([event('g2'), event('g3'), event('g3')]),
        store.appendUsageEvents([event('g3'), event('g4')]),
        store.appendUsageEvents([event('g1')]),
      ]);
      // Which batch gets an id shared with another depends on which commits first (PostgreSQL runs them side
      // by side); every batch is answered for all of its events, and the four ids are accepted once in all.
      expect(results.map((result) => result.accepted + result.duplicates)).toEqual([2, 3, 2, 1]);
      expect(results.reduce((sum, result) => sum + result.accepted, 0)).toBe(4);
      expect(results[1]?.duplicates).toBeGreaterThanOrEqual(1);
      expect(
        (await store.sumUsageByTester('a1', ['t1'], '2023-10-05', '2023-10-05')).get('t1')?.sessionCount,
      ).toBe(4);
    });

    it('fails only the batch that cannot be written, not the others written with it', async () => {
      const broken = { ...event('b2'), testerId: null } as unknown as ReturnType<typeof event>;
      const results = await Promise.allSettled([
        store.appendUsageEvents([event('b1')]),
        store.appendUsageEvents([broken]),
        store.appendUsageEvents([event('b3'), event('b1')]),
      ]);
      expect(results.map((result) => result.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
      expect(results[2]).toEqual({ status: 'fulfilled', value: { accepted: 1, duplicates: 1 } });
      expect((await store.listUsageEvents('a1', undefined, 10)).map((e) => e.id)).toEqual(['b1', 'b3']);
    });
  });

  describe('ingest keys', () => {
    const key = (id: string, appId: string, createdAt: string) => ({
      id,
      appId,
      createdAt,
      revokedAt: null,
      keyHash: `hash-of-${id}`,
    });

    it('creates keys, finds them by hash only, and lists them per app in creation order', async () => {
      await store.createIngestKey(key('IK2', 'a1', '2023-10-01T00:00:00.000Z'));
      await store.createIngestKey(key('IK1', 'a1', '2023-10-02T00:00:00.000Z'));
      await store.createIngestKey(key('IK3', 'a2', '2023-10-01T00:00:00.000Z'));
      const ik1 = { id: 'IK1', appId: 'a1', createdAt: '2023-10-02T00:00:00.000Z', revokedAt: null };
      expect(await store.findIngestKeyByHash('hash-of-IK1')).toEqual(ik1);
      expect(await store.findIngestKeyByHash('IK1')).toBeUndefined();
      expect((await store.listIngestKeys('a1')).map((k) => k.id)).toEqual(['IK2', 'IK1']);
      expect((await store.listIngestKeys('a2')).map((k) => k.id)).toEqual(['IK3']);
      expect((await store.listIngestKeys()).map((k) => k.id)).toEqual(['IK2', 'IK3', 'IK1']);
      expect(await store.listIngestKeys('zz')).toEqual([]);
      await expect(
        store.createIngestKey(key('IK1', 'a2', '2023-10-03T00:00:00.000Z')),
      ).rejects.toBeInstanceOf(StoreConflictError);
    });

    it('revokes a key once, and the revoked key is still found with its revocation time', async () => {
      await store.createIngestKey(key('IK1', 'a1', '2023-10-01T00:00:00.000Z'));
      await store.createIngestKey(key('IK2', 'a1', '2023-10-01T00:00:00.000Z'));
      expect(await store.revokeIngestKey('IK1', '2023-10-04T00:00:00.000Z')).toBe(true);
      expect(await store.revokeIngestKey('IK1', '2023-10-05T00:00:00.000Z')).toBe(false);
      expect(await store.revokeIngestKey('NOPE', '2023-10-05T00:00:00.000Z')).toBe(false);
      expect((await store.findIngestKeyByHash('hash-of-IK1'))?.revokedAt).toBe('2023-10-04T00:00:00.000Z');
      expect((await store.findIngestKeyByHash('hash-of-IK2'))?.revokedAt).toBeNull();
    });
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

  describe('raw events', () => {
    it('lists an app’s events by occurredAt, then id, page after page, with every field kept', async () => {
      const full = event('m', {
        occurredAt: '2023-10-03T00:00:00.000Z',
        type: 'crash',
        build: '42',
        platform: 'iOS',
        device: 'iPhone15,2',
        osVersion: '17.0',
      });
      await store.appendUsageEvents([
        event('z', { occurredAt: '2023-10-01T00:00:00.000Z' }),
        event('b', { occurredAt: '2023-10-02T00:00:00.000Z' }),
        event('a', { occurredAt: '2023-10-02T00:00:00.000Z', type: 'feedback' }),
        full,
        event('c', { occurredAt: '2023-10-02T00:00:00.000Z', testerId: 't2' }),
        event('other', { occurredAt: '2023-10-02T00:00:00.000Z', appId: 'a2' }),
      ]);
      const order: string[] = [];
      let after: { occurredAt: string; id: string } | undefined;
      for (;;) {
        const page = await store.listUsageEvents('a1', after, 2);
        order.push(...page.map((e) => e.id));
        const last = page.at(-1);
        if (last === undefined) break;
        expect(page.length).toBeLessThanOrEqual(2);
        after = { occurredAt: last.occurredAt, id: last.id };
      }
      expect(order).toEqual(['z', 'a', 'b', 'c', 'm']);
      expect(
        await store.listUsageEvents('a1', { occurredAt: '2023-10-02T00:00:00.000Z', id: 'a' }, 10),
      ).toEqual([
        event('b', { occurredAt: '2023-10-02T00:00:00.000Z' }),
        event('c', { occurredAt: '2023-10-02T00:00:00.000Z', testerId: 't2' }),
        full,
      ]);
      expect((await store.listUsageEvents('a2', undefined, 10)).map((e) => e.id)).toEqual(['other']);
    });

    it('prunes only events before the instant, at most `limit` at a time, and keeps every sum', async () => {
      const old = (id: string, day: string, over: Partial<UsageEventRecord> = {}) =>
        event(id, { occurredAt: `${day}T12:00:00.000Z`, ...over });
      await store.appendUsageEvents([
        old('o1', '2022-01-01', { type: 'install' }),
        old('o2', '2022-01-02'),
        old('o3', '2022-01-03', { type: 'crash', testerId: 't2' }),
        old('o4', '2022-01-04', { appId: 'a2' }),
        old('edge', '2022-06-01', { occurredAt: '2022-06-01T00:00:00.000Z', type: 'feedback' }),
        old('new', '2023-10-01'),
      ]);
      const sums = () => store.sumUsageByTester('a1', ['t1', 't2'], '2021-01-01', '2023-12-31');
      const a2Sums = () => store.sumUsageByTester('a2', ['t1'], '2021-01-01', '2023-12-31');
      const before = {
        a1: await sums(),
        a2: await a2Sums(),
        installed: await store.countInstalledTesters('a1', {}),
      };

      expect(await store.pruneUsageEvents('2022-06-01T00:00:00.000Z', 3)).toBe(3);
      expect(await store.pruneUsageEvents('2022-06-01T00:00:00.000Z', 3)).toBe(1);
      expect(await store.pruneUsageEvents('2022-06-01T00:00:00.000Z', 3)).toBe(0);

      expect((await store.listUsageEvents('a1', undefined, 10)).map((e) => e.id)).toEqual(['edge', 'new']);
      expect(await store.listUsageEvents('a2', undefined, 10)).toEqual([]);
      expect({
        a1: await sums(),
        a2: await a2Sums(),
        installed: await store.countInstalledTesters('a1', {}),
      }).toEqual(before);
      expect(before.a1).toEqual(
        new Map([
          ['t1', { crashCount: 0, sessionCount: 2, feedbackCount: 1 }],
          ['t2', { crashCount: 1, sessionCount: 0, feedbackCount: 0 }],
        ]),
      );
      expect(before.installed).toBe(2);
    });

    it('knows which testers belong to an app, in any state', async () => {
      await store.createTesters([context.tester('t9')]);
      await store.addTestersToApps([
        { appId: 'a2', testerId: 't9', state: 'INVITED', invitedAt: '2023-01-02T00:00:00.000Z' },
      ]);
      await store.appendUsageEvents([event('i2', { testerId: 't2', type: 'install' })]);
      expect(await store.testersOfApp('a1', ['t2', 't1', 't9', 'nobody', 't1'])).toEqual(
        new Set(['t1', 't2']),
      );
      expect(await store.testersOfApp('a2', ['t2', 't9', 't1'])).toEqual(new Set(['t1', 't9']));
      expect(await store.testersOfApp('a1', [])).toEqual(new Set());
    });
  });
}
