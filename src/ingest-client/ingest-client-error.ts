import type { QueuedEvent, ServerErrorItem } from './types.js';

/**
 * Why sending failed. Transient: 'network' (no answer), 'server' (5xx, or an answer that is not the server's),
 * 'rate-limited' (429): the events stay queued and are retried. Final: 'rejected' (the server refused these
 * events: 400, or 413 for one event alone, or the server refused a screenshot of a feedback: 413, 415, 409),
 * 'dropped' (the queue was full), 'unauthorized' (401/403: the client stops, the queue stays), 'storage' (the
 * queue could not be loaded or saved). 'invalid' is thrown by `feedback` and `crash` for content they refuse
 * to queue (too large, too many screenshots, unreadable bytes); it never reaches onError.
 */
export type IngestClientErrorKind =
  | 'network'
  | 'server'
  | 'rate-limited'
  | 'rejected'
  | 'unauthorized'
  | 'dropped'
  | 'storage'
  | 'invalid';

export interface IngestClientErrorDetails {
  readonly status?: number;
  /** The server's errors, as it sent them (Apple's ErrorResponse items). */
  readonly errors?: readonly ServerErrorItem[];
  /**
   * The events this error is about: those dropped, for 'rejected' and 'dropped'. They come without their content
   * (comment, details, crash log, screenshots' bytes): an error may be logged, and content must not be.
   */
  readonly events?: readonly QueuedEvent[];
  /** For transient errors: when the next attempt is due, in milliseconds. */
  readonly retryInMs?: number;
  readonly cause?: unknown;
}

/** A failure of the ingest client. Its message never contains the ingest key. */
export class IngestClientError extends Error {
  readonly kind: IngestClientErrorKind;
  readonly status?: number;
  readonly errors?: readonly ServerErrorItem[];
  readonly events?: readonly QueuedEvent[];
  readonly retryInMs?: number;

  constructor(kind: IngestClientErrorKind, message: string, details: IngestClientErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'IngestClientError';
    this.kind = kind;
    if (details.status !== undefined) this.status = details.status;
    if (details.errors !== undefined) this.errors = details.errors;
    if (details.events !== undefined) this.events = details.events;
    if (details.retryInMs !== undefined) this.retryInMs = details.retryInMs;
  }
}
