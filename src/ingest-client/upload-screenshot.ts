import { retryAfterDelay } from '../wire-common/backoff-delay.js';
import { decodeBase64 } from './base64.js';
import { IngestClientError } from './ingest-client-error.js';
import { type PostConfig, postRequest } from './post-request.js';
import { type BatchOutcome, errorsOf, parseJson } from './send-batch.js';
import type { QueuedEvent } from './types.js';

/** What the server's answer to one upload means for the event whose screenshot it was. */
export type UploadOutcome =
  | { readonly type: 'uploaded'; readonly id: string }
  | Extract<BatchOutcome, { readonly type: 'rejected' | 'unauthorized' | 'transient' }>;

export interface UploadConfig extends PostConfig {
  /** `<endpoint>/ingest/v1/screenshots`. */
  readonly url: string;
  readonly timeoutMs: number;
  readonly now: () => number;
}

const SHA256_HEX = /^[0-9a-f]{64}$/;

/**
 * Uploads the first pending screenshot of `event` as raw bytes (docs/feedback-content.md, "The wire", step 1);
 * the server's answer names its SHA-256 id, so the client computes no hash. The upload is content-addressed:
 * sending the same bytes again after a lost answer only answers 200. Never throws.
 */
export async function uploadScreenshot(config: UploadConfig, event: QueuedEvent): Promise<UploadOutcome> {
  const screenshot = event.pendingScreenshots?.[0];
  const bytes = screenshot === undefined ? undefined : decodeBase64(screenshot.base64);
  if (bytes === undefined || bytes.length === 0) {
    // Only a queue edited outside the client gets here: nothing to send, and nothing a retry would mend.
    const message = `A screenshot of event ${event.id} in the saved queue is not base64; the event was dropped`;
    return { type: 'rejected', error: new IngestClientError('rejected', message), indexes: [] };
  }
  // The type the app gave, when it gave one; the server reads the type from the bytes either way.
  const type = screenshot?.contentType;
  const headers: Record<string, string> = type === undefined ? {} : { 'content-type': type };
  // decodeBase64 allocates exactly the bytes: the whole ArrayBuffer is the image.
  const body = bytes.buffer as ArrayBuffer;
  const answer = await postRequest(config, config.url, headers, body, config.timeoutMs);
  if ('error' in answer) return { type: 'transient', error: answer.error };
  return uploadOutcomeOf(answer.status, answer.retryAfter, answer.text, event.id, config.now());
}

/**
 * 200/201 with the id: uploaded. 401/403: the key is refused. 408, 429 and 5xx: transient. Any other refusal
 * (413 too large, 415 not an image, 409 an image that does not decode) is final for these bytes: the event is
 * dropped with the server's detail rather than retried forever.
 */
export function uploadOutcomeOf(
  status: number,
  retryAfter: string | null,
  text: string,
  eventId: string,
  nowMs: number,
): UploadOutcome {
  const body = parseJson(text);
  const errors = errorsOf(body);
  const details = { status, ...(errors !== undefined && { errors }) };
  const said = errors?.[0]?.detail ?? `HTTP ${status}`;
  if (status >= 200 && status < 300) {
    const id = (body as { data?: { id?: unknown } } | undefined)?.data?.id;
    if (typeof id === 'string' && SHA256_HEX.test(id)) return { type: 'uploaded', id };
    // A captive portal or a misrouted proxy answers 200 too: only the server's own answer names the upload.
    const error = new IngestClientError('server', `HTTP ${status} without an upload's id`, details);
    return { type: 'transient', error };
  }
  if (status === 401 || status === 403) {
    const message = `The server refused the ingest key (${status}); fix the key to send again: ${said}`;
    return { type: 'unauthorized', error: new IngestClientError('unauthorized', message, details) };
  }
  if (status === 408 || status === 429 || status >= 500) {
    const retryAfterMs = retryAfterDelay(retryAfter, nowMs);
    const kind = status === 429 ? 'rate-limited' : 'server';
    const error = new IngestClientError(kind, `The ingest server answered ${status}: ${said}`, details);
    return { type: 'transient', error, ...(retryAfterMs !== undefined && { retryAfterMs }) };
  }
  const message = `The server refused a screenshot of event ${eventId} (${status}); the event was dropped: ${said}`;
  return { type: 'rejected', error: new IngestClientError('rejected', message, details), indexes: [] };
}
