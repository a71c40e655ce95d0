import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type ClientFixture, startClientFixture } from '../../test/support/ingest-client-fixture.js';
import { createIngestClient } from './create-ingest-client.js';
import type { IngestClientError } from './ingest-client-error.js';
import { type KeyValueStore, keyValueQueueStorage } from './queue-storage.js';
import type { IngestClientOptions } from './types.js';

let fixture: ClientFixture;
beforeEach(async () => {
  fixture = await startClientFixture();
});
afterEach(async () => {
  await fixture.close();
});

const clientOf = (options: Partial<IngestClientOptions> = {}) =>
  createIngestClient({
    endpoint: fixture.proxy.url,
    ingestKey: fixture.key,
    appId: '100',
    flushIntervalMs: 0,
    ...options,
  });

describe('delivery', () => {
  it('brings tracked events into the metrics', async () => {
    const client = clientOf();
    await client.track({ type: 'install', testerId: 't1' });
    for (let n = 0; n < 3; n++) await client.track({ type: 'session', testerId: 't1', build: '42' });
    await client.track({ type: 'session', testerId: 't2', timestamp: new Date() });
    await client.track({ type: 'crash', testerId: 't2', platform: 'IOS', osVersion: '17.1' });
    expect(client.pending()).toBe(6);

    const result = await client.flush();

    expect(result).toEqual({ accepted: 6, duplicates: 0, dropped: 0, pending: 0, stopped: false });
    expect(await fixture.metrics()).toEqual({
      t1: { sessionCount: 3, crashCount: 0, feedbackCount: 0 },
      t2: { sessionCount: 1, crashCount: 1, feedbackCount: 0 },
    });
  });

  it('sends on its timer without a flush() call', async () => {
    const client = clientOf({ flushIntervalMs: 20 });
    await client.track({ type: 'session', testerId: 't1' });

    await vi.waitFor(() => expect(fixture.proxy.requests).toHaveLength(1), { timeout: 5000 });
    expect(await fixture.metrics()).toMatchObject({ t1: { sessionCount: 1 } });
    await client.close();
  });

  it('sends what is queued on close(), and refuses to track afterwards', async () => {
    const client = clientOf();
    await client.track({ type: 'session', testerId: 't1' });

    await client.close();

    expect(fixture.proxy.requests).toHaveLength(1);
    expect(await fixture.metrics()).toMatchObject({ t1: { sessionCount: 1 } });
    await expect(client.track({ type: 'session', testerId: 't1' })).rejects.toThrow(/closed/);
  });
});

describe('persistence', () => {
  const mapStore = (map: Map<string, string>): KeyValueStore => ({
    getItem: (key) => map.get(key) ?? null,
    setItem: (key, value) => {
      map.set(key, value);
    },
  });
  // React Native's AsyncStorage: the same, with promises.
  const asyncMapStore = (map: Map<string, string>): KeyValueStore => ({
    getItem: async (key) => map.get(key) ?? null,
    setItem: async (key, value) => {
      map.set(key, value);
    },
  });

  it.each([
    ['synchronous (localStorage)', mapStore],
    ['asynchronous (AsyncStorage)', asyncMapStore],
  ])('a queue saved in a %s store is sent by the next client', async (_name, storeOf) => {
    const map = new Map<string, string>();
    const first = clientOf({ storage: keyValueQueueStorage(storeOf(map)) });
    for (let n = 0; n < 3; n++) await first.track({ type: 'session', testerId: 't1' });
    expect(fixture.proxy.requests).toHaveLength(0);

    const second = clientOf({ storage: keyValueQueueStorage(storeOf(map)) });
    const result = await second.flush();

    expect(result).toMatchObject({ accepted: 3, pending: 0 });
    expect(await fixture.metrics()).toMatchObject({ t1: { sessionCount: 3 } });
    expect(JSON.parse(map.get('beta-metrics-queue') ?? 'null')).toEqual([]);
  });

  it('saves the queue without acknowledged events before the next batch leaves, and never resends them', async () => {
    const map = new Map<string, string>();
    const storedIds = () =>
      (JSON.parse(map.get('beta-metrics-queue') ?? '[]') as Array<{ id: string }>).map((event) => event.id);
    const storedWhenSent: string[][] = [];
    fixture.proxy.onRequest = () => storedWhenSent.push(storedIds());
    fixture.proxy.failNext(1, { pass: true });
    fixture.proxy.failNext(1, { hangUp: true });
    const first = clientOf({
      storage: keyValueQueueStorage(mapStore(map)),
      batchSize: 2,
      retry: { baseMs: 60_000 },
    });
    for (let n = 0; n < 4; n++) await first.track({ type: 'session', testerId: 't1', id: `e${n}` });

    const failed = await first.flush();
    await first.close();
    const second = clientOf({ storage: keyValueQueueStorage(mapStore(map)) });
    const resent = await second.flush();

    expect(failed).toMatchObject({ accepted: 2, pending: 2, error: { kind: 'network' } });
    expect(storedWhenSent[1]).toEqual(['e2', 'e3']);
    expect(fixture.proxy.requests.map((request) => request.ids)).toEqual([
      ['e0', 'e1'],
      ['e2', 'e3'],
      ['e2', 'e3'],
    ]);
    expect(resent).toMatchObject({ accepted: 2, duplicates: 0, pending: 0 });
    expect(await fixture.metrics()).toMatchObject({ t1: { sessionCount: 4 } });
  });

  it('reports a store that cannot save (a full localStorage) and still sends from memory', async () => {
    const errors: IngestClientError[] = [];
    const full: KeyValueStore = {
      getItem: () => null,
      setItem: () => {
        throw new Error('QuotaExceededError');
      },
    };
    const client = clientOf({ storage: keyValueQueueStorage(full), onError: (error) => errors.push(error) });

    await client.track({ type: 'session', testerId: 't1' });
    const result = await client.flush();

    // Once when the event was queued, once when its acknowledgement was.
    expect(errors.map((error) => [error.kind, error.message])).toEqual([
      ['storage', 'The queue could not be saved: QuotaExceededError'],
      ['storage', 'The queue could not be saved: QuotaExceededError'],
    ]);
    expect(result).toMatchObject({ accepted: 1, pending: 0, error: { kind: 'storage' } });
    expect(await fixture.metrics()).toMatchObject({ t1: { sessionCount: 1 } });
  });
});

describe('one flush at a time', () => {
  it('sends each event once when flush() is called concurrently', async () => {
    const client = clientOf({ batchSize: 2 });
    for (let n = 0; n < 5; n++) await client.track({ type: 'session', testerId: 't1', id: `c${n}` });

    const results = await Promise.all([client.flush(), client.flush(), client.flush()]);

    expect(fixture.proxy.sentIds()).toEqual(['c0', 'c1', 'c2', 'c3', 'c4']);
    expect(results.reduce((sum, result) => sum + result.duplicates, 0)).toBe(0);
    expect(await fixture.metrics()).toMatchObject({ t1: { sessionCount: 5 } });
  });

  it('sends an acknowledged event in no later flush', async () => {
    const client = clientOf();
    for (let n = 0; n < 3; n++) await client.track({ type: 'session', testerId: 't1', id: `a${n}` });
    await client.flush();
    await client.track({ type: 'session', testerId: 't1', id: 'b0' });
    await client.flush();
    await client.flush();

    expect(fixture.proxy.requests.map((request) => request.ids)).toEqual([['a0', 'a1', 'a2'], ['b0']]);
  });
});

describe('maxQueue', () => {
  it('drops the oldest events beyond it and reports them', async () => {
    const errors: IngestClientError[] = [];
    const client = clientOf({ maxQueue: 3, onError: (error) => errors.push(error) });
    for (let n = 0; n < 4; n++) await client.track({ type: 'session', testerId: 't1', id: `m${n}` });

    expect(client.pending()).toBe(3);
    expect(errors).toMatchObject([{ kind: 'dropped', events: [{ id: 'm0' }] }]);
    await client.flush();
    expect(fixture.proxy.sentIds()).toEqual(['m1', 'm2', 'm3']);
  });
});
