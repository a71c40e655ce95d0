import { DEFAULT_RETRY } from '../wire-common/backoff-delay.js';
import { createFlusher } from './create-flusher.js';
import { createEventQueue, reason } from './event-queue.js';
import { IngestClientError } from './ingest-client-error.js';
import { newEventId } from './new-event-id.js';
import { memoryQueueStorage } from './queue-storage.js';
import { sendBatch, unrefTimer } from './send-batch.js';
import type { IngestClient, IngestClientOptions, IngestEventType, QueuedEvent, TrackEvent } from './types.js';

const EVENT_TYPES: readonly IngestEventType[] = ['install', 'session', 'crash', 'feedback'];
const OPTIONAL_FIELDS = ['build', 'platform', 'device', 'osVersion'] as const;
/** The server's default events per request (docs/errors.md, REQUEST_ENTITY_TOO_LARGE). */
const MAX_BATCH_SIZE = 1000;

/**
 * A client that queues a beta app's usage events and sends them to beta-metrics' `POST /ingest/v1/events`,
 * exactly once from the server's point of view: events keep their ids across retries, and the server counts
 * an id it already has as a duplicate. Runs in Node >= 20, browsers and React Native (no Node built-ins).
 */
export function createIngestClient(options: IngestClientOptions): IngestClient {
  const batchSize = options.batchSize ?? 100;
  const flushIntervalMs = options.flushIntervalMs ?? 10_000;
  const maxQueue = options.maxQueue ?? 10_000;
  const retry = { ...DEFAULT_RETRY, ...options.retry };
  const requestTimeoutMs = options.requestTimeoutMs ?? 30_000;
  requireText('endpoint', options.endpoint);
  requireText('ingestKey', options.ingestKey);
  requireText('appId', options.appId);
  requireCount('batchSize', batchSize, 1, MAX_BATCH_SIZE);
  requireCount('flushIntervalMs', flushIntervalMs, 0);
  requireCount('maxQueue', maxQueue, 1);
  requireCount('retry.baseMs', retry.baseMs, 0);
  requireCount('retry.maxMs', retry.maxMs, 0);
  requireCount('requestTimeoutMs', requestTimeoutMs, 1);

  const report = (error: IngestClientError) => {
    try {
      options.onError?.(error);
    } catch {
      // A failing error handler must not stop the client.
    }
  };
  const now = () => Date.now();
  const queue = createEventQueue(options.storage ?? memoryQueueStorage(), maxQueue, report);
  const sendConfig = {
    url: `${options.endpoint.replace(/\/+$/, '')}/ingest/v1/events`,
    ingestKey: options.ingestKey,
    fetch: options.fetch ?? ((input, init) => globalThis.fetch(input, init)),
    timeoutMs: requestTimeoutMs,
    now,
  } satisfies Parameters<typeof sendBatch>[0];
  const flusher = createFlusher({
    queue,
    send: (events) => sendBatch(sendConfig, events),
    batchSize,
    retry,
    report,
    now,
  });
  let closed = false;
  const interval = flushIntervalMs > 0 ? setInterval(() => void flusher.flush(), flushIntervalMs) : undefined;
  unrefTimer(interval);

  return {
    async track(event) {
      if (closed) throw new Error('The ingest client is closed; create a new one to track more events');
      const queued = queuedEvent(event, options.appId);
      try {
        await queue.add(queued);
      } catch (cause) {
        // The event stays queued in memory; only its persistence failed (a full localStorage, say).
        report(new IngestClientError('storage', `The queue could not be saved: ${reason(cause)}`, { cause }));
      }
    },
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

/** The event as it is queued and sent: appId, id and timestamp filled in, and no field the server refuses. */
function queuedEvent(event: TrackEvent, appId: string): QueuedEvent {
  if (!EVENT_TYPES.includes(event.type)) {
    throw new TypeError(`'${String(event.type)}' is not an event type; use one of ${EVENT_TYPES.join(', ')}`);
  }
  requireText('testerId', event.testerId);
  const timestamp = event.timestamp ?? new Date();
  const queued: Record<string, string> = {
    id: event.id ?? newEventId(),
    type: event.type,
    appId,
    testerId: event.testerId,
    timestamp: typeof timestamp === 'string' ? timestamp : timestamp.toISOString(),
  };
  for (const field of OPTIONAL_FIELDS) {
    const value = event[field];
    if (value !== undefined) queued[field] = value;
  }
  return queued as unknown as QueuedEvent;
}

function requireText(name: string, value: unknown): void {
  if (typeof value !== 'string' || value === '') throw new TypeError(`'${name}' must be a non-empty string`);
}

function requireCount(name: string, value: number, min: number, max = Number.MAX_SAFE_INTEGER): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`'${name}' must be an integer from ${min} to ${max}; it is ${value}`);
  }
}
