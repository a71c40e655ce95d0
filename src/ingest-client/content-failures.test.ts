import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Fault } from '../../test/support/fault-proxy.js';
import { type ClientFixture, startClientFixture } from '../../test/support/ingest-client-fixture.js';
import { noisePng, solidPng } from '../../test/support/png-bytes.js';
import { createIngestClient } from './create-ingest-client.js';
import type { IngestClientError } from './ingest-client-error.js';
import { memoryQueueStorage } from './queue-storage.js';
import type { IngestClientOptions } from './types.js';

// A feedback's screenshots through failures (retried, delivered once) and refusals (dropped and reported, never
// retried forever), against a real server behind the fault proxy.
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
    retry: { baseMs: 5, maxMs: 50 },
    onError: (error) => errors.push(error),
    ...options,
  });

const trail = () => fixture.proxy.requests.map((request) => [request.path, request.status]);
const waitForEmptyQueue = (client: ReturnType<typeof clientOf>) =>
  vi.waitFor(() => expect(client.pending()).toBe(0), { timeout: 5000, interval: 5 });
const UPLOAD = '/ingest/v1/screenshots';
const EVENTS = '/ingest/v1/events';

describe('retried by itself, delivered once', () => {
  const cases: Array<{
    name: string;
    fault: Fault;
    first: number | 'hang-up';
    retried: number;
    kind: string;
  }> = [
    { name: 'a 503 to the upload', fault: { answer: 503 }, first: 503, retried: 201, kind: 'server' },
    {
      name: 'a 503 after the server stored the upload',
      fault: { answer: 503, afterServer: true },
      first: 503,
      retried: 200,
      kind: 'server',
    },
    {
      name: 'a hang-up after the server stored the upload',
      fault: { hangUp: true, afterServer: true },
      first: 'hang-up',
      retried: 200,
      kind: 'network',
    },
    {
      name: 'a 200 to the upload that is not the server’s (a captive portal)',
      fault: { answer: 200, headers: { 'content-type': 'text/html' }, body: '<html>Sign in</html>' },
      first: 200,
      retried: 201,
      kind: 'server',
    },
  ];

  it.each(cases)('after $name', async ({ fault, first, retried, kind }) => {
    fixture.proxy.failNext(1, fault);
    const client = clientOf();
    await client.feedback({
      testerId: 't1',
      comment: 'Retried',
      screenshots: [await solidPng(30, 30, '#336699')],
    });

    const result = await client.flush();
    await waitForEmptyQueue(client);

    expect(result).toMatchObject({ accepted: 0, pending: 1, error: { kind } });
    expect(result.retryInMs).toBeTypeOf('number');
    expect(errors.map((error) => error.kind)).toEqual([kind]);
    expect(trail()).toEqual([
      [UPLOAD, first],
      [UPLOAD, retried],
      [EVENTS, 200],
    ]);
    expect(await fixture.submissions('screenshot')).toHaveLength(1);
  });

  it('after a 503 to the batch the server committed: answered as a duplicate, one submission', async () => {
    fixture.proxy.failNext(1, { pass: true });
    fixture.proxy.failNext(1, { answer: 503, afterServer: true });
    const client = clientOf();
    await client.feedback({
      testerId: 't1',
      comment: 'Once',
      screenshots: [await solidPng(30, 30, '#996633')],
    });

    await client.flush();
    await waitForEmptyQueue(client);

    expect(trail()).toEqual([
      [UPLOAD, 201],
      [EVENTS, 503],
      [EVENTS, 200],
    ]);
    expect(fixture.proxy.requests[2]?.serverBody).toEqual({ accepted: 0, duplicates: 1 });
    expect(await fixture.submissions('screenshot')).toHaveLength(1);
    expect(await fixture.metrics()).toMatchObject({ t1: { feedbackCount: 1 } });
  });
});

describe('refused screenshots', () => {
  it('a Blob that is no image: its feedback is dropped with the server’s 415 detail; the other events go', async () => {
    const client = clientOf();
    await client.track({ type: 'session', testerId: 't1', id: 's-1' });
    await client.feedback({
      testerId: 't1',
      id: 'fb-text',
      comment: 'Private words',
      details: { email: 'tester@example.com' },
      screenshots: [new Blob(['not an image at all'], { type: 'text/plain' })],
    });
    await client.track({ type: 'session', testerId: 't1', id: 's-2' });

    const result = await client.flush();
    const again = await client.flush();

    expect(result).toMatchObject({ accepted: 2, dropped: 1, pending: 0 });
    expect(again).toMatchObject({ accepted: 0, dropped: 0, pending: 0 });
    expect(trail()).toEqual([
      [UPLOAD, 415],
      [EVENTS, 200],
    ]);
    expect(fixture.proxy.requests[1]?.ids).toEqual(['s-1', 's-2']);
    expect(errors).toHaveLength(1);
    const [refusal] = errors;
    expect(refusal).toMatchObject({
      kind: 'rejected',
      status: 415,
      events: [{ id: 'fb-text', type: 'feedback' }],
    });
    const detail = refusal?.errors?.[0]?.detail ?? '';
    expect(detail).not.toBe('');
    expect(refusal?.message).toContain(detail);
    // An error may be logged: it names the event, never its content.
    const shown = JSON.stringify({ ...refusal, message: refusal?.message });
    for (const content of ['Private words', 'tester@example.com', 'not an image', 'bm90IGFu']) {
      expect(shown).not.toContain(content);
    }
    expect(await fixture.submissions('screenshot')).toEqual([]);
    expect(await fixture.metrics()).toMatchObject({ t1: { sessionCount: 2, feedbackCount: 0 } });
  });

  it.each([
    ['413: over the server’s limit (the client’s allows it)', 413, async () => noisePng(100, 100)],
    [
      '409: PNG bytes that do not decode',
      409,
      async () => (await solidPng(50, 50, '#00ff00')).subarray(0, 60),
    ],
  ])('%s: dropped with the server’s detail, never retried', async (_name, status, bytes) => {
    await fixture.close();
    fixture = await startClientFixture({ maxScreenshotBytes: 1000 });
    const client = clientOf();
    await client.feedback({ testerId: 't1', id: 'fb-bad', screenshots: [await bytes()] });

    const result = await client.flush();

    expect(result).toMatchObject({ accepted: 0, dropped: 1, pending: 0 });
    expect(trail()).toEqual([[UPLOAD, status]]);
    expect(errors).toMatchObject([{ kind: 'rejected', status, events: [{ id: 'fb-bad' }] }]);
    expect(errors[0]?.errors?.[0]?.detail).toBeTypeOf('string');
  });

  it('a refused ingest key stops the client before the upload, and keeps the feedback queued', async () => {
    await fixture.harness.services.ingestKeys.revoke(fixture.keyId);
    const storage = memoryQueueStorage();
    const client = clientOf({ storage });
    await client.feedback({ testerId: 't1', screenshots: [await solidPng(5, 5, '#000000')] });

    const result = await client.flush();
    const again = await client.flush();

    expect(result).toMatchObject({ stopped: true, pending: 1, error: { kind: 'unauthorized', status: 401 } });
    expect(again).toMatchObject({ stopped: true, pending: 1 });
    expect(trail()).toEqual([[UPLOAD, 401]]);
    expect((await storage.load())?.[0]?.pendingScreenshots).toHaveLength(1);
  });
});
