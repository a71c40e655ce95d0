/**
 * beta-metrics/ingest: the client a beta app uses to send usage events, feedback and crashes to a beta-metrics
 * server. No Node built-ins: it runs in Node >= 20, browsers and React Native.
 */
export type { RetryTiming } from '../wire-common/backoff-delay.js';
export { createIngestClient } from './create-ingest-client.js';
export {
  IngestClientError,
  type IngestClientErrorDetails,
  type IngestClientErrorKind,
} from './ingest-client-error.js';
export {
  DEFAULT_QUEUE_KEY,
  type KeyValueStore,
  keyValueQueueStorage,
  memoryQueueStorage,
  type QueueStorage,
} from './queue-storage.js';
export type {
  Base64Screenshot,
  BlobLike,
  CrashInput,
  EventFields,
  FeedbackDetails,
  FeedbackInput,
  FlushResult,
  IngestClient,
  IngestClientOptions,
  IngestEventType,
  PendingScreenshot,
  QueuedEvent,
  ScreenshotInput,
  ServerErrorItem,
  TrackEvent,
} from './types.js';
