import type { QueuedEvent, ServerErrorItem } from './types.js';

/**
 * Why sending failed. Transient: 'network' (no answer), 'server' (5xx, or an answer that is not the server's),
 * 'rate-limited' (429): the events stay queued and are retried. Final: 'rejected' (the server refused these
 * events: 400, or 413 for one event alone), 'dropped' (the queue was full), 'unauthorized' (401/403: the
 * client stops, the queue stays), 'storage' (the queue could not be loaded or saved).
 */
export type IngestClientErrorKind =
  | 'network'
  | 'server'
  | 'rate-limited'
  | 'rejected'
  | 'unauthorized'
  | 'dropped'
  | 'storage';

export interface IngestClientErrorDetails {
  readonly status?: number;
  /** The server's errors, as it sent them (Apple's ErrorResponse items). */
  readonly errors?: readonly ServerErrorItem[];
  /** The events this error is about: those dropped, for 'rejected' and 'dropped'. */
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
