import { afterEach, describe, expect, it, vi } from 'vitest';
import { createIngestClient } from './create-ingest-client.js';
import { IngestClientError } from './ingest-client-error.js';
import { memoryQueueStorage } from './queue-storage.js';
import type { IngestClientOptions, QueuedEvent } from './types.js';

// What feedback() and crash() queue, and what they refuse before anything is queued. Nothing is sent here: the
// client's flush timer is off and its fetch refuses to run.
const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const bytesOf = (length: number) => Uint8Array.from({ length }, (_, i) => PNG_SIGNATURE[i] ?? i % 256);
const base64Of = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');

function clientOf(options: Partial<IngestClientOptions> = {}) {
  const storage = memoryQueueStorage();
  const client = createIngestClient({
    endpoint: 'http://127.0.0.1:9',
    ingestKey: 'bmi_unused',
    appId: '100',
    flushIntervalMs: 0,
    storage,
    fetch: () => Promise.reject(new Error('no request in these tests')),
    ...options,
  });
  const queued = async (): Promise<QueuedEvent[]> => (await storage.load()) ?? [];
  return { client, queued };
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('feedback() queues', () => {
  it('every form of screenshot as base64 with its type, in the order given, with the comment and details', async () => {
    const { client, queued } = clientOf();
    const bytes = bytesOf(40);
    const framed = new Uint8Array(60);
    framed.set(bytes, 10);
    await client.feedback({
      testerId: 't1',
      id: 'f1',
      build: '42',
      comment: 'The button is cut off',
      details: { deviceModel: 'iPhone15,2', batteryPercentage: 80, connectionType: 'WIFI' },
      screenshots: [
        new Blob([bytes], { type: 'image/png' }),
        new File([bytes], 'shot.jpg', { type: 'image/jpeg' }),
        bytes.buffer,
        framed.subarray(10, 50),
        { base64: base64Of(bytes), contentType: 'image/png' },
      ],
    });

    const b64 = base64Of(bytes);
    expect(await queued()).toEqual([
      {
        id: 'f1',
        type: 'feedback',
        appId: '100',
        testerId: 't1',
        timestamp: expect.any(String),
        build: '42',
        comment: 'The button is cut off',
        details: { deviceModel: 'iPhone15,2', batteryPercentage: 80, connectionType: 'WIFI' },
        pendingScreenshots: [
          { base64: b64, contentType: 'image/png' },
          { base64: b64, contentType: 'image/jpeg' },
          { base64: b64 },
          { base64: b64 },
          { base64: b64, contentType: 'image/png' },
        ],
      },
    ]);
  });

  it('base64 as a data URL, wrapped in lines, and the type of the data URL', async () => {
    const { client, queued } = clientOf();
    const b64 = base64Of(bytesOf(100));
    const wrapped = (b64.match(/.{1,76}/g) ?? []).join('\n');
    await client.feedback({ testerId: 't1', screenshots: [{ base64: `data:image/heic;base64,${wrapped}` }] });

    expect((await queued())[0]?.pendingScreenshots).toEqual([{ base64: b64, contentType: 'image/heic' }]);
  });

  it("a React Native Blob without arrayBuffer(), through FileReader's data URL", async () => {
    const bytes = bytesOf(30);
    class DataUrlReader {
      result: unknown = null;
      error: unknown = null;
      onload: (() => void) | null = null;
      onerror: (() => void) | null = null;
      readAsDataURL(blob: { data: Uint8Array; type: string }) {
        this.result = `data:${blob.type};base64,${base64Of(blob.data)}`;
        queueMicrotask(() => this.onload?.());
      }
    }
    vi.stubGlobal('FileReader', DataUrlReader);
    const { client, queued } = clientOf();
    await client.feedback({
      testerId: 't1',
      screenshots: [{ size: 30, type: 'image/png', data: bytes }] as never,
    });

    expect((await queued())[0]?.pendingScreenshots).toEqual([
      { base64: base64Of(bytes), contentType: 'image/png' },
    ]);
  });

  it('no comment when it is empty, and a feedback without content', async () => {
    const { client, queued } = clientOf();
    await client.feedback({ testerId: 't1', id: 'f2', comment: '' });

    expect(await queued()).toEqual([
      { id: 'f2', type: 'feedback', appId: '100', testerId: 't1', timestamp: expect.any(String) },
    ]);
  });
});

describe('feedback() refuses, and queues nothing', () => {
  const refusals: Array<[string, Record<string, unknown>, RegExp]> = [
    [
      'six screenshots',
      { screenshots: Array.from({ length: 6 }, () => bytesOf(10)) },
      /at most 5 screenshots/,
    ],
    [
      'a screenshot over the limit',
      { screenshots: [bytesOf(10), bytesOf(1001)] },
      /Screenshot 2 has 1001 bytes/,
    ],
    ['a Blob over the limit', { screenshots: [new Blob([bytesOf(1001)])] }, /Screenshot 1 has 1001 bytes/],
    ['an empty screenshot', { screenshots: [new Uint8Array(0)] }, /Screenshot 1 is empty/],
    ['base64 that is not', { screenshots: [{ base64: 'not base64!' }] }, /Screenshot 1 is not base64/],
    ['a screenshot of no known form', { screenshots: [42] }, /Screenshot 1 is none of Blob/],
    [
      'a comment of 4,001 characters',
      { comment: 'x'.repeat(4001) },
      /4001 characters, over the limit of 4000/,
    ],
    ['a comment with NUL', { comment: 'a\u0000b' }, /U\+0000/],
    ['a comment with an unpaired surrogate', { comment: 'a\ud800b' }, /unpaired UTF-16 surrogate/],
    ['details that are not an object', { details: ['IPHONE'] }, /'details' must be an object/],
  ];

  it.each(refusals)('%s', async (_name, fields, message) => {
    const { client, queued } = clientOf({ maxScreenshotBytes: 1000 });
    const refused = client.feedback({ testerId: 't1', ...fields } as never);

    await expect(refused).rejects.toBeInstanceOf(IngestClientError);
    await expect(refused).rejects.toMatchObject({ kind: 'invalid', message: expect.stringMatching(message) });
    expect(client.pending()).toBe(0);
    expect(await queued()).toEqual([]);
  });

  it('a RangeError for a limit that is not a positive integer', () => {
    expect(() => clientOf({ maxScreenshotBytes: 0 })).toThrow(RangeError);
    expect(() => clientOf({ maxCrashLogBytes: 1.5 })).toThrow(RangeError);
  });
});

describe('crash()', () => {
  it('queues the log inline as crashLog, up to the limit in UTF-8 bytes', async () => {
    const { client, queued } = clientOf({ maxCrashLogBytes: 12 });
    // 12 bytes in UTF-8: 'é' is 2, '😀' is 4.
    const log = 'éé😀abc\n';
    await client.crash({
      testerId: 't1',
      id: 'c1',
      log,
      comment: 'On launch',
      details: { osVersion: '17.1' },
    });

    expect(await queued()).toEqual([
      {
        id: 'c1',
        type: 'crash',
        appId: '100',
        testerId: 't1',
        timestamp: expect.any(String),
        crashLog: log,
        comment: 'On launch',
        details: { osVersion: '17.1' },
      },
    ]);
  });

  it('refuses a log over the limit, never cutting it', async () => {
    const { client, queued } = clientOf({ maxCrashLogBytes: 12 });
    const refused = client.crash({ testerId: 't1', log: 'éé😀abcd\n' });

    await expect(refused).rejects.toMatchObject({
      kind: 'invalid',
      message: 'The crash log has 13 bytes in UTF-8, over the limit of 12; nothing was queued',
    });
    expect(await queued()).toEqual([]);
  });

  it('refuses a log with NUL, and takes 256 KiB by default', async () => {
    const { client, queued } = clientOf();
    await expect(client.crash({ testerId: 't1', log: 'a\u0000' })).rejects.toMatchObject({ kind: 'invalid' });
    await expect(client.crash({ testerId: 't1', log: 'x'.repeat(256 * 1024 + 1) })).rejects.toMatchObject({
      kind: 'invalid',
    });
    await client.crash({ testerId: 't1', log: 'x'.repeat(256 * 1024) });
    expect(await queued()).toHaveLength(1);
  });
});
