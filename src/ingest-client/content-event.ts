import { IngestClientError } from './ingest-client-error.js';
import { baseEvent } from './queued-event.js';
import { MAX_SCREENSHOTS, pendingScreenshot } from './screenshot-input.js';
import type { CrashInput, FeedbackDetails, FeedbackInput, QueuedEvent } from './types.js';

/** The server's default `--max-crash-log-bytes` (docs/feedback-content.md, "The wire"). */
export const DEFAULT_MAX_CRASH_LOG_BYTES = 256 * 1024;
/** A comment's characters at most, counted as the server counts them (UTF-16 code units). */
export const MAX_COMMENT_LENGTH = 4000;

export interface ContentLimits {
  readonly maxScreenshotBytes: number;
  readonly maxCrashLogBytes: number;
}

/**
 * A `feedback` event with its content, its screenshots pending as base64. Everything the server would refuse
 * for its size or its text is refused here, before anything is queued: a tester's feedback is better refused
 * to the app's face than dropped later.
 */
export async function feedbackEvent(
  input: FeedbackInput,
  appId: string,
  limits: ContentLimits,
): Promise<QueuedEvent> {
  const event = baseEvent('feedback', input, appId);
  const shared = sharedContent(input);
  const screenshots = input.screenshots ?? [];
  if (!Array.isArray(screenshots)) throw invalid("'screenshots' must be an array");
  if (screenshots.length > MAX_SCREENSHOTS) {
    throw invalid(
      `A feedback has at most ${MAX_SCREENSHOTS} screenshots; this one has ${screenshots.length}`,
    );
  }
  const pending = [];
  for (const [index, screenshot] of screenshots.entries()) {
    pending.push(await pendingScreenshot(screenshot, index + 1, limits.maxScreenshotBytes));
  }
  return { ...event, ...shared, ...(pending.length > 0 && { pendingScreenshots: pending }) };
}

/** A `crash` event with its log inline as `crashLog`; a log over the limit is refused, never cut. */
export function crashEvent(input: CrashInput, appId: string, limits: ContentLimits): QueuedEvent {
  const event = baseEvent('crash', input, appId);
  const shared = sharedContent(input);
  const log = input.log;
  if (log !== undefined) {
    checkText('log', log);
    const bytes = utf8Length(log);
    if (bytes > limits.maxCrashLogBytes) {
      throw invalid(
        `The crash log has ${bytes} bytes in UTF-8, over the limit of ${limits.maxCrashLogBytes}`,
      );
    }
  }
  return { ...event, ...shared, ...(log !== undefined && log !== '' && { crashLog: log }) };
}

function sharedContent(input: { readonly comment?: string; readonly details?: FeedbackDetails }) {
  const { comment, details } = input;
  if (comment !== undefined) {
    checkText('comment', comment);
    if (comment.length > MAX_COMMENT_LENGTH) {
      throw invalid(`The comment has ${comment.length} characters, over the limit of ${MAX_COMMENT_LENGTH}`);
    }
  }
  if (details !== undefined && (typeof details !== 'object' || details === null || Array.isArray(details))) {
    throw invalid("'details' must be an object of device attributes");
  }
  return {
    ...(comment !== undefined && comment !== '' && { comment }),
    ...(details !== undefined && { details: { ...details } }),
  };
}

/** The text the server stores: a string without NUL and without unpaired UTF-16 surrogates (README). */
function checkText(name: string, value: unknown): void {
  if (typeof value !== 'string') throw invalid(`'${name}' must be a string`);
  if (value.includes('\u0000')) throw invalid(`The ${name} contains U+0000 (NUL), which the server refuses`);
  for (let i = 0; i < value.length; i++) {
    const unit = value.charCodeAt(i);
    if (unit < 0xd800 || unit > 0xdfff) continue;
    const next = value.charCodeAt(i + 1);
    if (unit <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) i++;
    else throw invalid(`The ${name} contains an unpaired UTF-16 surrogate, which the server refuses`);
  }
}

/** UTF-8 bytes of well-formed text (checkText ran first), without TextEncoder, which not every engine has. */
export function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0x80) bytes += 1;
    else if (unit < 0x800) bytes += 2;
    else if (unit >= 0xd800 && unit <= 0xdbff) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}

function invalid(message: string): IngestClientError {
  return new IngestClientError('invalid', `${message}; nothing was queued`);
}
