import { ApiError, type ErrorItem } from '../errors/api-error.js';
import { invalidCursorItem, tooManyEvents } from '../errors/api-errors.js';
import { type BatchProblem, RefusedBatch, TooManyEvents } from '../services/batch-problems.js';
import { InvalidCursor } from '../services/cursor-paging.js';
import { ScreenshotRefused } from '../services/screenshot-check.js';
import { formatCursor } from './cursor-text.js';

/** The answer to a problem the services raise, in Apple's shape; undefined for anything else. */
export function problemAnswer(error: unknown): ApiError | undefined {
  // The token parsed from the client's cursor, which parseCursor takes only in the spelling formatCursor writes.
  if (error instanceof InvalidCursor) return new ApiError([invalidCursorItem(formatCursor(error.token))]);
  if (error instanceof RefusedBatch) return new ApiError(error.problems.map(batchProblemItem));
  if (error instanceof TooManyEvents) return tooManyEvents(error.maxEvents, error.events);
  if (error instanceof ScreenshotRefused) return screenshotRefusal(error);
  return undefined;
}

/** Where a problem of an ingestion batch lies, as a JSON pointer into the body: `/events/3/timestamp`, `/sentAt`. */
export function batchProblemItem({ code, detail, event, field }: BatchProblem): ErrorItem {
  const under = event === undefined ? '' : `/events/${event}`;
  const pointer = field === undefined ? under : `${under}/${field}`;
  return pointer === '' ? { code, detail } : { code, detail, source: { pointer } };
}

/**
 * A refused screenshot upload (docs/feedback-content.md, "The wire"): too large 413, not an image of the three
 * types or lying about its type 415, an image that does not decode 409 ENTITY_ERROR.ATTRIBUTE.INVALID (the
 * status of an entity error of Apple's writes, docs/errors.md).
 */
function screenshotRefusal(error: ScreenshotRefused): ApiError {
  switch (error.reason) {
    case 'too-large':
      return ApiError.of('REQUEST_ENTITY_TOO_LARGE', error.message);
    case 'unsupported-type':
      return ApiError.of('UNSUPPORTED_MEDIA_TYPE', error.message);
    case 'undecodable':
      return new ApiError([{ code: 'ENTITY_ERROR.ATTRIBUTE.INVALID', detail: error.message }], {}, 409);
  }
}
