import { ApiError } from '../errors/api-error.js';
import { invalidCursorItem } from '../errors/api-errors.js';
import { InvalidCursor } from '../services/cursor-paging.js';
import { formatCursor } from './cursor-text.js';

/** The answer to a problem the services raise, in Apple's shape; undefined for anything else. */
export function problemAnswer(error: unknown): ApiError | undefined {
  // The token parsed from the client's cursor, which parseCursor takes only in the spelling formatCursor writes.
  if (error instanceof InvalidCursor) return new ApiError([invalidCursorItem(formatCursor(error.token))]);
  return undefined;
}
