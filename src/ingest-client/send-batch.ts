import { retryAfterDelay } from '../wire-common/backoff-delay.js';
import { IngestClientError } from './ingest-client-error.js';
import { type PostConfig, postRequest } from './post-request.js';
import { wireEvent } from './queued-content.js';
import type { QueuedEvent, ServerErrorItem } from './types.js';

/** What the server's answer to one batch means for its events. */
export type BatchOutcome =
  | { readonly type: 'acknowledged'; readonly accepted: number; readonly duplicates: number }
  /** 413: too many events or bytes. */
  | { readonly type: 'too-large'; readonly error: IngestClientError }
  /** 400: the batch was refused; `indexes` are the events its errors point at (empty: none named). */
  | { readonly type: 'rejected'; readonly error: IngestClientError; readonly indexes: readonly number[] }
  /** 401/403: the key is wrong or revoked. */
  | { readonly type: 'unauthorized'; readonly error: IngestClientError }
  /** Worth trying again later; `retryAfterMs` when the server said when. */
  | { readonly type: 'transient'; readonly error: IngestClientError; readonly retryAfterMs?: number };

export interface SendConfig extends PostConfig {
  readonly url: string;
  readonly timeoutMs: number;
  readonly now: () => number;
}

/** POSTs one batch with `sentAt` = now and reads the answer. Never throws. */
export async function sendBatch(config: SendConfig, events: readonly QueuedEvent[]): Promise<BatchOutcome> {
  const body = JSON.stringify({
    sentAt: new Date(config.now()).toISOString(),
    events: events.map(wireEvent),
  });
  const headers = { 'content-type': 'application/json' };
  const answer = await postRequest(config, config.url, headers, body, config.timeoutMs);
  if ('error' in answer) return { type: 'transient', error: answer.error };
  return outcomeOf(answer.status, answer.retryAfter, answer.text, events.length, config.now());
}

/** Reads a status and body as the server's contract defines them (docs/errors.md). */
export function outcomeOf(
  status: number,
  retryAfter: string | null,
  text: string,
  batchLength: number,
  nowMs: number,
): BatchOutcome {
  const body = parseJson(text);
  const errors = errorsOf(body);
  const details = { status, ...(errors !== undefined && { errors }) };
  const said = errors?.[0]?.detail ?? `HTTP ${status}`;
  if (status >= 200 && status < 300) {
    const result = body as { accepted?: unknown; duplicates?: unknown } | undefined;
    if (typeof result?.accepted === 'number' && typeof result.duplicates === 'number') {
      return { type: 'acknowledged', accepted: result.accepted, duplicates: result.duplicates };
    }
    // A captive portal or a misrouted proxy answers 200 too: only the server's own answer acknowledges.
    const error = new IngestClientError('server', `HTTP ${status} without an ingest result`, details);
    return { type: 'transient', error };
  }
  if (status === 400) {
    const indexes = eventIndexes(errors ?? [], batchLength);
    const error = new IngestClientError('rejected', `The server refused the batch: ${said}`, details);
    return { type: 'rejected', error, indexes };
  }
  if (status === 401 || status === 403) {
    const message = `The server refused the ingest key (${status}); fix the key to send again: ${said}`;
    return { type: 'unauthorized', error: new IngestClientError('unauthorized', message, details) };
  }
  if (status === 413) {
    const error = new IngestClientError('rejected', `The batch is too large: ${said}`, details);
    return { type: 'too-large', error };
  }
  const retryAfterMs = retryAfterDelay(retryAfter, nowMs);
  const kind = status === 429 ? 'rate-limited' : 'server';
  const error = new IngestClientError(kind, `The ingest server answered ${status}: ${said}`, details);
  return { type: 'transient', error, ...(retryAfterMs !== undefined && { retryAfterMs }) };
}

const EVENT_POINTER = /^\/events\/(\d+)(?:\/|$)/;

/** The distinct batch indexes the errors point at (`/events/3/timestamp` -> 3), in order. */
function eventIndexes(errors: readonly ServerErrorItem[], batchLength: number): number[] {
  const indexes = new Set<number>();
  for (const error of errors) {
    const match = EVENT_POINTER.exec(error.source?.pointer ?? '');
    const index = match?.[1] === undefined ? Number.NaN : Number(match[1]);
    if (index < batchLength) indexes.add(index);
  }
  return [...indexes].sort((a, b) => a - b);
}

export function errorsOf(body: unknown): ServerErrorItem[] | undefined {
  const errors = (body as { errors?: unknown } | undefined)?.errors;
  return Array.isArray(errors)
    ? errors.filter((item) => typeof item === 'object' && item !== null)
    : undefined;
}

export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
