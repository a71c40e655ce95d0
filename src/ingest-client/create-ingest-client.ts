import { DEFAULT_RETRY } from '../wire-common/backoff-delay.js';
import { crashEvent, DEFAULT_MAX_CRASH_LOG_BYTES, feedbackEvent } from './content-event.js';
import { createFlusher } from './create-flusher.js';
import { createEventQueue, reason } from './event-queue.js';
import { IngestClientError } from './ingest-client-error.js';
import { unrefTimer } from './post-request.js';
import { memoryQueueStorage } from './queue-storage.js';
import { queuedEvent, requireText } from './queued-event.js';
import { DEFAULT_MAX_SCREENSHOT_BYTES } from './screenshot-input.js';
import { sendBatch } from './send-batch.js';
import type { IngestClient, IngestClientOptions, QueuedEvent } from './types.js';
import { uploadScreenshot } from './upload-screenshot.js';

/** The server's default events per request (docs/errors.md, REQUEST_ENTITY_TOO_LARGE). */
const MAX_BATCH_SIZE = 1000;

/**
 * A client that queues a beta app's usage events and sends them to beta-metrics' `POST /ingest/v1/events`,
 * exactly once from the server's point of view: events keep their ids across retries, and the server counts
 * an id it already has as a duplicate. Feedback screenshots wait in the queue until `POST /ingest/v1/screenshots`
 * has them. Runs in Node >= 20, browsers and React Native (no Node built-ins).
 */
export function createIngestClient(options: IngestClientOptions): IngestClient {
  const batchSize = options.batchSize ?? 100;
  const flushIntervalMs = options.flushIntervalMs ?? 10_000;
  const maxQueue = options.maxQueue ?? 10_000;
  const retry = { ...DEFAULT_RETRY, ...options.retry };
  const requestTimeoutMs = options.requestTimeoutMs ?? 30_000;
  const uploadTimeoutMs = options.uploadTimeoutMs ?? 120_000;
  const limits = {
    maxScreenshotBytes: options.maxScreenshotBytes ?? DEFAULT_MAX_SCREENSHOT_BYTES,
    maxCrashLogBytes: options.maxCrashLogBytes ?? DEFAULT_MAX_CRASH_LOG_BYTES,
  };
  requireText('endpoint', options.endpoint);
  requireText('ingestKey', options.ingestKey);
  requireText('appId', options.appId);
  requireCount('batchSize', batchSize, 1, MAX_BATCH_SIZE);
  requireCount('flushIntervalMs', flushIntervalMs, 0);
  requireCount('maxQueue', maxQueue, 1);
  requireCount('retry.baseMs', retry.baseMs, 0);
  requireCount('retry.maxMs', retry.maxMs, 0);
  requireCount('requestTimeoutMs', requestTimeoutMs, 1);
  requireCount('uploadTimeoutMs', uploadTimeoutMs, 1);
  requireCount('maxScreenshotBytes', limits.maxScreenshotBytes, 1);
  requireCount('maxCrashLogBytes', limits.maxCrashLogBytes, 1);

  const report = (error: IngestClientError) => {
    try {
      options.onError?.(error);
    } catch {
      // A failing error handler must not stop the client.
    }
  };
  const now = () => Date.now();
  const queue = createEventQueue(options.storage ?? memoryQueueStorage(), maxQueue, report);
  const base = options.endpoint.replace(/\/+$/, '');
  const fetchOrGlobal: typeof fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const postConfig = { ingestKey: options.ingestKey, fetch: fetchOrGlobal, now };
  const sendConfig = { ...postConfig, url: `${base}/ingest/v1/events`, timeoutMs: requestTimeoutMs };
  const uploadConfig = { ...postConfig, url: `${base}/ingest/v1/screenshots`, timeoutMs: uploadTimeoutMs };
  const flusher = createFlusher({
    queue,
    send: (events) => sendBatch(sendConfig, events),
    upload: (event) => uploadScreenshot(uploadConfig, event),
    batchSize,
    retry,
    report,
    now,
  });
  let closed = false;
  const enqueue = async (make: () => QueuedEvent | Promise<QueuedEvent>) => {
    if (closed) throw new Error('The ingest client is closed; create a new one to track more events');
    const queued = await make();
    try {
      await queue.add(queued);
    } catch (cause) {
      // The event stays queued in memory; only its persistence failed (a full localStorage, say).
      report(new IngestClientError('storage', `The queue could not be saved: ${reason(cause)}`, { cause }));
    }
  };
  const interval = flushIntervalMs > 0 ? setInterval(() => void flusher.flush(), flushIntervalMs) : undefined;
  unrefTimer(interval);

  return {
    track: (event) => enqueue(() => queuedEvent(event, options.appId)),
    feedback: (feedback) => enqueue(() => feedbackEvent(feedback, options.appId, limits)),
    crash: (crash) => enqueue(() => crashEvent(crash, options.appId, limits)),
    flush: () => flusher.flush(),
    async close() {
      closed = true;
      if (interval !== undefined) clearInterval(interval);
      flusher.close();
      await flusher.flush();
    },
    pending: () => queue.size(),
  };
}

function requireCount(name: string, value: number, min: number, max = Number.MAX_SAFE_INTEGER): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`'${name}' must be an integer from ${min} to ${max}; it is ${value}`);
  }
}
