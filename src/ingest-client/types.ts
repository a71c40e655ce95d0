import type { IngestClientError } from './ingest-client-error.js';
import type { QueueStorage } from './queue-storage.js';

/** What a beta app reports: an install, a session, a crash or a piece of feedback (the server's types). */
export type IngestEventType = 'install' | 'session' | 'crash' | 'feedback';

/** What every event may say besides its type: the tester, and what the client fills in when it is missing. */
export interface EventFields {
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

/** An event as the app hands it to `track`; the client fills in what is missing. */
export interface TrackEvent extends EventFields {
  readonly type: IngestEventType;
}

/**
 * The device a piece of feedback or a crash came from, by the names of Apple's BetaFeedbackScreenshotSubmission
 * attributes (docs/feedback-content.md). Every field is optional; the server checks the values.
 */
export interface FeedbackDetails {
  readonly deviceModel?: string;
  readonly osVersion?: string;
  readonly locale?: string;
  readonly timeZone?: string;
  readonly architecture?: string;
  readonly connectionType?: 'WIFI' | 'MOBILE_DATA' | 'WIRE' | 'UNKNOWN' | 'NONE';
  readonly pairedAppleWatch?: string;
  readonly appUptimeInMilliseconds?: number;
  readonly diskBytesAvailable?: number;
  readonly diskBytesTotal?: number;
  /** 0 to 100. */
  readonly batteryPercentage?: number;
  readonly screenWidthInPoints?: number;
  readonly screenHeightInPoints?: number;
  readonly appPlatform?: 'IOS' | 'MAC_OS' | 'TV_OS' | 'VISION_OS';
  readonly devicePlatform?: 'IOS' | 'MAC_OS' | 'TV_OS' | 'VISION_OS';
  readonly deviceFamily?: 'IPHONE' | 'IPAD' | 'APPLE_TV' | 'APPLE_WATCH' | 'MAC' | 'VISION';
  readonly buildBundleId?: string;
  readonly email?: string;
}

/**
 * A Blob as browsers and React Native have it (a File is one). React Native's older Blobs lack `arrayBuffer()`;
 * the client then reads them through FileReader.
 */
export interface BlobLike {
  readonly size: number;
  readonly type: string;
  arrayBuffer?(): Promise<ArrayBuffer>;
}

/** A screenshot's bytes as base64 (React Native's usual form; a `data:image/...;base64,` URL is read too). */
export interface Base64Screenshot {
  readonly base64: string;
  /** Like `image/png`; sent as the upload's Content-Type, which the server checks against the bytes. */
  readonly contentType?: string;
}

/** A PNG, JPEG or HEIC image, in any form an app has it. */
export type ScreenshotInput = BlobLike | ArrayBuffer | Uint8Array | Base64Screenshot;

/** A tester's feedback: their words, their device, and up to 5 screenshots. */
export interface FeedbackInput extends EventFields {
  /** At most 4,000 characters; an empty comment is sent as none. */
  readonly comment?: string;
  readonly details?: FeedbackDetails;
  /** At most 5, each at most `maxScreenshotBytes`. */
  readonly screenshots?: readonly ScreenshotInput[];
}

/** A crash: its report's text, the device, and what the tester said about it. */
export interface CrashInput extends EventFields {
  /** The crash report's text, at most `maxCrashLogBytes` in UTF-8; an empty log is sent as none. */
  readonly log?: string;
  /** At most 4,000 characters; an empty comment is sent as none. */
  readonly comment?: string;
  readonly details?: FeedbackDetails;
}

/** A screenshot waiting in the queue for its upload, kept as base64 so the queue's storage can hold it. */
export interface PendingScreenshot {
  readonly base64: string;
  readonly contentType?: string;
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
  /** A feedback's or a crash's content (docs/feedback-content.md, "The wire"). */
  readonly comment?: string;
  readonly details?: FeedbackDetails;
  readonly crashLog?: string;
  /** The SHA-256 ids of this feedback's screenshots uploaded so far, in the order the app gave them. */
  readonly screenshots?: readonly string[];
  /** The screenshots still to upload, in order, after those of `screenshots`; never sent in a batch. */
  readonly pendingScreenshots?: readonly PendingScreenshot[];
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
  /**
   * Events the server refused (400, 413 for one event alone, or a refused screenshot: 409, 413, 415) and that
   * left the queue unsent.
   */
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
  /** The same for a screenshot's upload, which carries up to megabytes. Default 120 000. */
  readonly uploadTimeoutMs?: number;
  /** The largest screenshot `feedback` takes, in bytes: default 5 MiB, the server's `--max-screenshot-bytes`. */
  readonly maxScreenshotBytes?: number;
  /** The largest crash log `crash` takes, in UTF-8 bytes: default 256 KiB, the server's `--max-crash-log-bytes`. */
  readonly maxCrashLogBytes?: number;
}

export interface IngestClient {
  /** Queues one event (filling appId, id and timestamp) and resolves once the queue is saved. */
  track(event: TrackEvent): Promise<void>;
  /**
   * Queues a tester's feedback with its screenshots (kept in the queue's storage as base64 until each is
   * uploaded) and resolves once the queue is saved. Rejects with an IngestClientError of kind 'invalid', and
   * queues nothing, when the feedback breaks a limit or a screenshot cannot be read.
   */
  feedback(feedback: FeedbackInput): Promise<void>;
  /** Queues a crash with its log, as `feedback` does; a log over `maxCrashLogBytes` is refused, never cut. */
  crash(crash: CrashInput): Promise<void>;
  /** Sends what is queued, one flush at a time; never rejects (failures are in the result and go to onError). */
  flush(): Promise<FlushResult>;
  /** Stops the timers and flushes once. What could not be sent stays in the storage for the next client. */
  close(): Promise<void>;
  /** Events queued now (0 until the persisted queue has loaded). */
  pending(): number;
}
