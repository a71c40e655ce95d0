import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ClientFixture, startClientFixture } from '../../test/support/ingest-client-fixture.js';
import { sha256Hex, solidPng } from '../../test/support/png-bytes.js';
import { createIngestClient } from './create-ingest-client.js';
import type { IngestClientError } from './ingest-client-error.js';
import { type KeyValueStore, keyValueQueueStorage } from './queue-storage.js';
import type { IngestClientOptions, QueuedEvent } from './types.js';

// Feedback and crashes sent by the client to a real server (docs/feedback-content.md, "The wire"), read back
// through the API. Failures and refusals are in content-failures.test.ts.
let fixture: ClientFixture;
let errors: IngestClientError[];
beforeEach(async () => {
  fixture = await startClientFixture();
  errors = [];
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
    retry: { baseMs: 60_000 },
    onError: (error) => errors.push(error),
    ...options,
  });

const mapStore = (map: Map<string, string>): KeyValueStore => ({
  getItem: (key) => map.get(key) ?? null,
  setItem: (key, value) => {
    map.set(key, value);
  },
});
const storedQueue = (map: Map<string, string>) =>
  JSON.parse(map.get('beta-metrics-queue') ?? '[]') as QueuedEvent[];
const trail = () => fixture.proxy.requests.map((request) => [request.path, request.status]);

describe('a feedback with screenshots', () => {
  it('arrives as one submission: each screenshot uploaded as its bytes, then the event naming their ids', async () => {
    const red = await solidPng(120, 260, '#ff0000');
    const blue = await solidPng(90, 40, '#0000ff');
    const client = clientOf();
    await client.feedback({
      testerId: 't1',
      id: 'fb-1',
      build: '42',
      comment: 'The Save button is cut off',
      details: { deviceModel: 'iPhone15,2', batteryPercentage: 80 },
      screenshots: [new Blob([red], { type: 'image/png' }), { base64: blue.toString('base64') }],
    });

    const result = await client.flush();

    expect(result).toEqual({ accepted: 1, duplicates: 0, dropped: 0, pending: 0, stopped: false });
    expect(errors).toEqual([]);
    expect(trail()).toEqual([
      ['/ingest/v1/screenshots', 201],
      ['/ingest/v1/screenshots', 201],
      ['/ingest/v1/events', 200],
    ]);
    const [first, second, batch] = fixture.proxy.requests;
    expect(first?.body.equals(red)).toBe(true);
    expect(first?.contentType).toBe('image/png');
    expect(second?.body.equals(blue)).toBe(true);
    expect(second?.contentType).toBeUndefined();
    const sent = JSON.parse(batch?.body.toString('utf8') ?? '{}').events;
    expect(sent).toEqual([
      expect.objectContaining({
        id: 'fb-1',
        type: 'feedback',
        screenshots: [sha256Hex(red), sha256Hex(blue)],
      }),
    ]);
    expect(sent[0]).not.toHaveProperty('pendingScreenshots');

    const submissions = await fixture.submissions('screenshot');
    expect(submissions).toHaveLength(1);
    expect(submissions[0]?.attributes).toMatchObject({
      comment: 'The Save button is cut off',
      deviceModel: 'iPhone15,2',
      batteryPercentage: 80,
      screenshots: [
        expect.objectContaining({ width: 120, height: 260 }),
        expect.objectContaining({ width: 90, height: 40 }),
      ],
    });
    expect(await fixture.metrics()).toMatchObject({ t1: { feedbackCount: 1 } });
  });

  it('queued by a client whose storage survives a restart, is delivered by the next client', async () => {
    const png = await solidPng(64, 64, '#00ff00');
    const map = new Map<string, string>();
    const first = clientOf({ storage: keyValueQueueStorage(mapStore(map)) });
    await first.feedback({ testerId: 't1', id: 'fb-2', comment: 'Before the kill', screenshots: [png] });
    // The app is killed here, before any flush: the storage holds the bytes.
    expect(storedQueue(map)[0]?.pendingScreenshots).toEqual([{ base64: png.toString('base64') }]);
    expect(fixture.proxy.requests).toEqual([]);

    const second = clientOf({ storage: keyValueQueueStorage(mapStore(map)) });
    const result = await second.flush();

    expect(result).toMatchObject({ accepted: 1, pending: 0 });
    expect(storedQueue(map)).toEqual([]);
    const submissions = await fixture.submissions('screenshot');
    expect(submissions.map((submission) => submission.attributes.comment)).toEqual(['Before the kill']);
    expect(submissions[0]?.attributes.screenshots).toHaveLength(1);
  });

  it('keeps each upload as its id: a client stopped halfway uploads only what is left', async () => {
    const [one, two] = [await solidPng(10, 10, '#111111'), await solidPng(20, 20, '#222222')];
    const map = new Map<string, string>();
    fixture.proxy.failNext(1, { pass: true });
    fixture.proxy.failNext(1, { hangUp: true });
    const first = clientOf({ storage: keyValueQueueStorage(mapStore(map)) });
    await first.feedback({ testerId: 't1', id: 'fb-3', screenshots: [one, two] });

    const failed = await first.flush();
    await first.close();
    expect(failed).toMatchObject({ accepted: 0, pending: 1, error: { kind: 'network' } });
    expect(storedQueue(map)).toEqual([
      expect.objectContaining({
        screenshots: [sha256Hex(one)],
        pendingScreenshots: [{ base64: two.toString('base64') }],
      }),
    ]);

    const resent = await clientOf({ storage: keyValueQueueStorage(mapStore(map)) }).flush();

    expect(resent).toMatchObject({ accepted: 1, pending: 0 });
    expect(trail()).toEqual([
      ['/ingest/v1/screenshots', 201],
      ['/ingest/v1/screenshots', 'hang-up'],
      ['/ingest/v1/screenshots', 201],
      ['/ingest/v1/events', 200],
    ]);
    expect((await fixture.submissions('screenshot'))[0]?.attributes.screenshots).toHaveLength(2);
  });

  it('is sent in order with the events around it, in one batch', async () => {
    const png = await solidPng(8, 8, '#abcdef');
    const client = clientOf();
    await client.track({ type: 'session', testerId: 't1', id: 's-1' });
    await client.feedback({ testerId: 't1', id: 'fb-4', screenshots: [png] });
    await client.track({ type: 'session', testerId: 't2', id: 's-2' });

    const result = await client.flush();

    expect(result).toMatchObject({ accepted: 3, pending: 0 });
    expect(fixture.proxy.requests.map((request) => [request.path, request.ids])).toEqual([
      ['/ingest/v1/screenshots', []],
      ['/ingest/v1/events', ['s-1', 'fb-4', 's-2']],
    ]);
  });
});

describe('a crash', () => {
  it('arrives as a crash submission with its log', async () => {
    const log =
      'Exception Type:  EXC_CRASH (SIGABRT)\nThread 0 Crashed:\n0   libsystem_kernel.dylib  __pthread_kill\n';
    const client = clientOf();
    await client.crash({
      testerId: 't2',
      id: 'cr-1',
      build: '42',
      log,
      comment: 'On launch',
      details: { deviceModel: 'iPhone15,2' },
    });

    const result = await client.flush();

    expect(result).toMatchObject({ accepted: 1, pending: 0 });
    expect(trail()).toEqual([['/ingest/v1/events', 200]]);
    const submissions = await fixture.submissions('crash');
    expect(submissions.map((submission) => submission.attributes)).toMatchObject([
      { comment: 'On launch', deviceModel: 'iPhone15,2' },
    ]);
    expect(await fixture.crashLogText(submissions[0]?.id ?? '')).toBe(log);
    expect(await fixture.metrics()).toMatchObject({ t2: { crashCount: 1 } });
  });
});
