import type { IngestClientError } from './ingest-client-error.js';
import type { QueueStorage } from './queue-storage.js';

/** What a beta app reports: an install, a session, a crash or a piece of feedback (the server's types). */
export type IngestEventType = 'install' | 'session' | 'crash' | 'feedback';

/** An event as the app hands it to `track`; the client fills in what is missing. */
export interface TrackEvent {
  readonly type: IngestEventType;
  /** The beta tester's id, as beta-metrics knows them (a tester of the client's app). */
  readonly testerId: string;
  /** When it happened: an ISO 8601 instant with an offset, or a Date. Default: now. */
  readonly timestamp?: string | Date;
  /** The event's own id, the key of exactly-once delivery. Default: a fresh UUID. */
  readonly id?: string;
  readonly build?: string;
  readonly platform?: string;
  readonly device?: string;
  readonly osVersion?: string;
}

/** An event as it waits in the queue and goes on the wire. */
export interface QueuedEvent {
  readonly id: string;
  readonly type: IngestEventType;
  readonly appId: string;
  readonly testerId: string;
  /** ISO 8601 with an offset, by the device's clock (the server corrects it by the batch's `sentAt`). */
  readonly timestamp: string;
  readonly build?: string;
  readonly platform?: string;
  readonly device?: string;
  readonly osVersion?: string;
}

/** One error of the server's answer, in Apple's ErrorResponse shape. */
export interface ServerErrorItem {
  readonly id?: string;
  readonly status: string;
  readonly code: string;
  readonly title: string;
  readonly detail: string;
  readonly source?: { readonly pointer?: string; readonly parameter?: string };
}

/** What one `flush()` did. */
export interface FlushResult {
  /** Events the server stored during this flush. */
  readonly accepted: number;
  /** Events the server already had (sent before, answer lost): harmless, not counted twice. */
  readonly duplicates: number;
  /** Events the server refused (400, or 413 for one event alone) and that left the queue unsent. */
  readonly dropped: number;
  /** Events still queued when the flush ended. */
  readonly pending: number;
  /** Set when a transient failure asks to wait: the next attempt is due in this many milliseconds. */
  readonly retryInMs?: number;
  /** True once the server refused the ingest key (401/403): this client sends nothing more. */
  readonly stopped: boolean;
  /** The failure that ended this flush early, if any. */
  readonly error?: IngestClientError;
}

export interface IngestClientOptions {
  /** The beta-metrics server's base URL, like `https://metrics.example.com`; events go to `/ingest/v1/events`. */
  readonly endpoint: string;
  /** The app's ingest key (`bmi_...`). It is sent as a bearer token and never appears in errors. */
  readonly ingestKey: string;
  /** The app the key belongs to; every event carries it. */
  readonly appId: string;
  /** Where the queue survives restarts. Default: memory only. */
  readonly storage?: QueueStorage;
  /** Events per request: default 100, at most 1000 (the server's default limit). */
  readonly batchSize?: number;
  /** How often queued events are sent, in milliseconds: default 10 000; 0 sends only on `flush()` and `close()`. */
  readonly flushIntervalMs?: number;
  /** Events kept at most: default 10 000; beyond it the oldest are dropped and reported (kind 'dropped'). */
  readonly maxQueue?: number;
  /** Default: the global fetch. */
  readonly fetch?: typeof fetch;
  /** Called for every failure: transient ones (then retried), refused events, a refused key, dropped events. */
  readonly onError?: (error: IngestClientError) => void;
  /** Exponential backoff with full jitter after a transient failure, in milliseconds: base 1000, cap 300 000. */
  readonly retry?: { readonly baseMs?: number; readonly maxMs?: number };
  /** A request that has not answered after this many milliseconds is abandoned and retried. Default 30 000. */
  readonly requestTimeoutMs?: number;
}

export interface IngestClient {
  /** Queues one event (filling appId, id and timestamp) and resolves once the queue is saved. */
  track(event: TrackEvent): Promise<void>;
  /** Sends what is queued, one flush at a time; never rejects (failures are in the result and go to onError). */
  flush(): Promise<FlushResult>;
  /** Stops the timers and flushes once. What could not be sent stays in the storage for the next client. */
  close(): Promise<void>;
  /** Events queued now (0 until the persisted queue has loaded). */
  pending(): number;
}
