import type { Problem } from './problem.js';
import { unstorableText } from './storable-text.js';

/**
 * The rules of what a `feedback` or `crash` event carries (docs/feedback-content.md, "The wire", step 2), as far
 * as the event alone tells: `details` is read as an object here and its attributes are checked by the services
 * as an operator's are (services/feedback.ts); that each screenshot was uploaded for the app is the store's to
 * say (services/event-content.ts).
 */

/** The fields of content, each refused on events of other types than those it goes with. */
export const CONTENT_FIELDS = ['comment', 'details', 'screenshots', 'crashLog'] as const;

export const MAX_COMMENT_CHARACTERS = 4000;
export const MAX_EVENT_SCREENSHOTS = 5;
const SHA256_HEX = /^[0-9a-fA-F]{64}$/;

/** What an event sent, as far as the event alone tells: `details` unread, screenshots as their ids. */
export interface SentContent {
  readonly comment?: string;
  readonly details?: Readonly<Record<string, unknown>>;
  /** SHA-256 ids, lowercase, in the order sent. */
  readonly screenshots?: readonly string[];
  readonly crashLog?: string;
}

/**
 * Reads the content fields of an event of type `type` (undefined when its type was refused), adding a problem
 * for each that breaks a rule; undefined when the event sent none.
 */
export function checkSentContent(
  fields: Readonly<Record<string, unknown>>,
  type: string | undefined,
  maxCrashLogBytes: number,
  problems: Problem[],
): SentContent | undefined {
  // Most events send none: nothing to read, and nothing made for them (ingestion's hot path).
  if (sendsNoContent(fields)) return undefined;
  const content: {
    comment?: string;
    details?: Readonly<Record<string, unknown>>;
    screenshots?: string[];
    crashLog?: string;
  } = {};
  const goesWith = (name: string, types: readonly string[]): boolean => {
    if (absent(fields[name])) return false;
    if (type !== undefined && !types.includes(type)) {
      problems.push(invalid(`'${name}' goes with ${types.join(' and ')} events only`, name));
      return false;
    }
    return true;
  };
  if (goesWith('comment', ['feedback', 'crash'])) {
    const comment = fields.comment;
    if (typeof comment !== 'string' || comment.length > MAX_COMMENT_CHARACTERS) {
      problems.push(
        invalid(`'comment' must be a string of at most ${MAX_COMMENT_CHARACTERS} characters`, 'comment'),
      );
    } else if (storable('comment', comment, problems)) content.comment = comment;
  }
  if (goesWith('details', ['feedback', 'crash'])) {
    const details = fields.details;
    if (typeof details !== 'object' || details === null || Array.isArray(details)) {
      problems.push(invalid("'details' must be an object of device attributes", 'details'));
    } else content.details = details as Record<string, unknown>;
  }
  if (goesWith('screenshots', ['feedback'])) {
    const screenshots = checkScreenshotIds(fields.screenshots, problems);
    if (screenshots !== undefined) content.screenshots = screenshots;
  }
  if (goesWith('crashLog', ['crash'])) {
    const log = fields.crashLog;
    if (typeof log !== 'string') problems.push(invalid("'crashLog' must be a string", 'crashLog'));
    else if (Buffer.byteLength(log, 'utf8') > maxCrashLogBytes) {
      problems.push(invalid(`'crashLog' must be at most ${maxCrashLogBytes} bytes of UTF-8`, 'crashLog'));
    } else if (storable('crashLog', log, problems)) content.crashLog = log;
  }
  return Object.keys(content).length === 0 ? undefined : content;
}

/** Up to MAX_EVENT_SCREENSHOTS SHA-256 ids (hex), each once; a problem points at the id at fault. */
function checkScreenshotIds(value: unknown, problems: Problem[]): string[] | undefined {
  if (!Array.isArray(value) || value.length > MAX_EVENT_SCREENSHOTS) {
    problems.push(
      invalid(
        `'screenshots' must be a list of at most ${MAX_EVENT_SCREENSHOTS} ids of uploaded screenshots`,
        'screenshots',
      ),
    );
    return undefined;
  }
  const ids: string[] = [];
  let sound = true;
  value.forEach((id: unknown, index) => {
    if (typeof id !== 'string' || !SHA256_HEX.test(id)) {
      problems.push(
        invalid(
          'A screenshot is named by the id its upload answered: the SHA-256 of its bytes, 64 hex digits',
          `screenshots/${index}`,
        ),
      );
      sound = false;
    } else if (ids.includes(id.toLowerCase())) {
      problems.push(invalid('A screenshot is named once per event', `screenshots/${index}`));
      sound = false;
    } else ids.push(id.toLowerCase());
  });
  return sound ? ids : undefined;
}

function storable(name: string, value: string, problems: Problem[]): boolean {
  const problem = unstorableText(value);
  if (problem === undefined) return true;
  problems.push(invalid(`'${name}' ${problem}`, name));
  return false;
}

function absent(value: unknown): boolean {
  return value === undefined || value === null;
}

/** Whether an event sends none of CONTENT_FIELDS (a loop, not a callback made for every event). */
function sendsNoContent(fields: Readonly<Record<string, unknown>>): boolean {
  for (const name of CONTENT_FIELDS) if (!absent(fields[name])) return false;
  return true;
}

function invalid(detail: string, field: string): Problem {
  return { code: 'ENTITY_ERROR.ATTRIBUTE.INVALID', detail, field };
}
