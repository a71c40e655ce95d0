import { CONTENT_FIELDS, checkSentContent, type SentContent } from './event-content-rules.js';
import { isStoredForm, parseInstant } from './instant-text.js';
import type { Problem } from './problem.js';
import { unstorableText } from './storable-text.js';
import {
  DECLINE_REASONS,
  type DeclineReason,
  isPublicLinkEventType,
  USAGE_EVENT_TYPES,
  type UsageEvent,
  type UsageEventType,
} from './usage-event.js';
import { visibleText } from './visible-text.js';

/**
 * The rules an incoming usage event must meet (docs/architecture.md, ingestion). Pure: the caller supplies
 * the key's app, the clocks and the limits, and checks afterwards that the testers exist.
 */

/** Event ids: a UUID or up to 64 safe characters, so they are safe in logs, files and URLs. */
const EVENT_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/;

/** Whether `id` may be an event's id (a UUID or up to 64 safe characters). */
export function isEventId(id: string): boolean {
  return EVENT_ID.test(id);
}
const OPTIONAL_TEXT_LIMITS = { build: 64, platform: 32, device: 64, osVersion: 32 } as const;
/** The same as pairs, made once: not four new pairs for every event checked. */
const OPTIONAL_TEXT_FIELDS = Object.entries(OPTIONAL_TEXT_LIMITS) as ReadonlyArray<
  readonly [keyof typeof OPTIONAL_TEXT_LIMITS, number]
>;
const KNOWN_FIELDS = new Set([
  'id',
  'type',
  'appId',
  'testerId',
  'timestamp',
  'groupId',
  'reason',
  ...Object.keys(OPTIONAL_TEXT_LIMITS),
  ...CONTENT_FIELDS,
]);
const MAX_GROUP_ID = 64;
/** How far ahead of the server's clock an event may be dated (a device clock running fast). */
export const MAX_FUTURE_MS = 24 * 3_600_000;
export const DEFAULT_RETENTION_DAYS = 400;

export interface EventContext {
  /** The app of the ingest key the batch came with. */
  readonly appId: string;
  /** The server's "now" for the data: events after now + 24 h or before now - retention are refused. */
  readonly now: Date;
  readonly retentionDays: number;
  /** Added to every timestamp: the server's receive time minus the batch's `sentAt` (clock-skew correction). */
  readonly skewMs: number;
  /** When the server received the batch (wall clock), as stored: one text for all of a batch's events. */
  readonly receivedAt: string;
  /** UTF-8 bytes of a crash event's `crashLog`. */
  readonly maxCrashLogBytes: number;
}

/** An event that passed every rule but the existence of its tester, and where it sat in the batch. */
export interface CheckedEvent {
  readonly index: number;
  /** Without its content: the services check and resolve `sent` into `event.content`. */
  readonly event: UsageEvent;
  /** What a feedback or crash event sent besides being counted (event-content-rules.ts). */
  readonly sent?: SentContent;
}

/**
 * Reads one event, the `index`th of its batch; each problem names the event's field it is about (none: the
 * event as a whole). The API points at `/events/<index>/<field>`.
 */
export function checkEvent(raw: unknown, index: number, context: EventContext): CheckedEvent | Problem[] {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return [{ code: 'ENTITY_ERROR.ATTRIBUTE.INVALID', detail: `Event ${index} is not a JSON object` }];
  }
  const fields = raw as Record<string, unknown>;
  const problems: Problem[] = [];
  // `for in`, not Object.keys: no array of names for every event (ingestion's hot path). A parsed body's
  // objects inherit nothing enumerable.
  for (const name in fields) {
    if (!KNOWN_FIELDS.has(name)) {
      // The name is the client's: escaped, since details and fields are stored (ingestion's reasons).
      problems.push({
        code: 'ENTITY_ERROR.ATTRIBUTE.UNKNOWN',
        detail: `The attribute '${shown(name)}' is not part of a usage event`,
        field: visibleText(name),
      });
    }
  }
  const id = required(fields, 'id', problems);
  if (id !== undefined && !EVENT_ID.test(id)) {
    problems.push(invalid('An event id is a UUID or up to 64 letters, digits, ".", "_", ":" or "-"', 'id'));
  }
  const type = required(fields, 'type', problems);
  if (type !== undefined && !(USAGE_EVENT_TYPES as readonly string[]).includes(type)) {
    problems.push(
      invalid(`'${shown(type)}' is not an event type; use one of ${USAGE_EVENT_TYPES.join(', ')}`, 'type'),
    );
  }
  const appId = required(fields, 'appId', problems);
  if (appId !== undefined && appId !== context.appId) {
    problems.push({
      code: 'ENTITY_ERROR.RELATIONSHIP.INVALID',
      detail: `This ingest key writes events of app '${context.appId}' only, not of '${shown(appId)}'`,
      field: 'appId',
    });
  }
  // A public link's viewer is not necessarily a tester (docs/apple-behavior.md, §11): `testerId` is optional
  // there, kept as the client's name for the viewer, and '' when absent.
  const publicLink = type !== undefined && isPublicLinkEventType(type);
  const testerId = publicLink && absent(fields.testerId) ? '' : required(fields, 'testerId', problems);
  const groupId = checkGroupId(fields, publicLink, problems);
  const reason = checkReason(fields.reason, type, problems);
  const occurredAt = checkTimestamp(required(fields, 'timestamp', problems), context, problems);
  for (const [name, limit] of OPTIONAL_TEXT_FIELDS) {
    const value = fields[name];
    if (value === undefined || value === null) continue;
    if (typeof value !== 'string' || value.length > limit) {
      problems.push(invalid(`'${name}' must be a string of at most ${limit} characters`, name));
    } else storable(name, value, problems);
  }
  const sent = checkSentContent(fields, type, context.maxCrashLogBytes, problems);
  if (problems.length > 0 || id === undefined || testerId === undefined || occurredAt === undefined)
    return problems;
  // Made member by member, not spread from parts: each spread made an object of its own for every event.
  const event: { -readonly [K in keyof UsageEvent]: UsageEvent[K] } = {
    id,
    appId: context.appId,
    testerId,
    type: type as UsageEventType,
    occurredAt,
    receivedAt: context.receivedAt,
  };
  // With no problem, each optional text present is a string the loop above let through.
  for (const [name] of OPTIONAL_TEXT_FIELDS) {
    const text = fields[name];
    if (text !== undefined && text !== null) event[name] = text as string;
  }
  if (groupId !== undefined) event.groupId = groupId;
  if (reason !== undefined) event.reason = reason;
  return sent === undefined ? { index, event } : { index, sent, event };
}

function absent(value: unknown): boolean {
  return value === undefined || value === null || value === '';
}

/** `groupId`: required on public-link events (the group whose link it is), refused on every other type. */
function checkGroupId(
  fields: Readonly<Record<string, unknown>>,
  publicLink: boolean,
  problems: Problem[],
): string | undefined {
  if (!publicLink) {
    if (!absent(fields.groupId))
      problems.push(invalid("'groupId' goes with public-link events only", 'groupId'));
    return undefined;
  }
  const groupId = required(fields, 'groupId', problems);
  if (groupId !== undefined && groupId.length > MAX_GROUP_ID) {
    problems.push(invalid(`'groupId' must be a string of at most ${MAX_GROUP_ID} characters`, 'groupId'));
    return undefined;
  }
  return groupId;
}

/** A required text field: its value, or undefined with a problem added (absent, not a string, not storable). */
function required(
  fields: Readonly<Record<string, unknown>>,
  name: string,
  problems: Problem[],
): string | undefined {
  const value = fields[name];
  if (value === undefined || value === null || value === '') {
    problems.push({
      code: 'ENTITY_ERROR.ATTRIBUTE.REQUIRED',
      detail: `You must provide a value for the attribute '${name}' with this request`,
      field: name,
    });
    return undefined;
  }
  if (typeof value !== 'string') {
    problems.push(invalid(`'${name}' must be a string`, name));
    return undefined;
  }
  return storable(name, value, problems);
}

/** Every text field passes here first: text no store can keep is refused on every store (storable-text.ts). */
function storable(name: string, value: string, problems: Problem[]): string | undefined {
  const problem = unstorableText(value);
  if (problem === undefined) return value;
  problems.push(invalid(`'${name}' ${problem}`, name));
  return undefined;
}

/** `reason`: optional on `publicLinkDecline`, one of DECLINE_REASONS; refused on every other type. */
function checkReason(
  value: unknown,
  type: string | undefined,
  problems: Problem[],
): DeclineReason | undefined {
  if (absent(value)) return undefined;
  if (type !== 'publicLinkDecline') {
    problems.push(invalid("'reason' goes with publicLinkDecline events only", 'reason'));
    return undefined;
  }
  if (typeof value === 'string' && (DECLINE_REASONS as readonly string[]).includes(value)) {
    return value as DeclineReason;
  }
  const text = typeof value === 'string' ? `'${shown(value)}'` : 'This value';
  problems.push(invalid(`${text} is not a reason; use one of ${DECLINE_REASONS.join(', ')}`, 'reason'));
  return undefined;
}

/**
 * The clock-skew correction of a batch's `sentAt` (as PostHog applies it): receive time minus sentAt. A problem
 * names the batch's field `sentAt`.
 */
export function skewFromSentAt(sentAt: unknown, receivedAt: Date): number | Problem {
  if (sentAt === undefined || sentAt === null) return 0;
  const sent = typeof sentAt === 'string' ? parseInstant(sentAt) : undefined;
  if (sent === undefined) {
    return invalid(
      "'sentAt' must be an ISO 8601 instant with an offset, like 2023-10-05T12:00:00Z",
      'sentAt',
    );
  }
  return receivedAt.getTime() - sent;
}

function checkTimestamp(
  text: string | undefined,
  context: EventContext,
  problems: Problem[],
): string | undefined {
  if (text === undefined) return undefined;
  const parsed = parseInstant(text);
  if (parsed === undefined) {
    problems.push(
      invalid(
        `'${shown(text)}' is not an ISO 8601 instant with an offset, like 2023-10-05T12:00:00Z`,
        'timestamp',
      ),
    );
    return undefined;
  }
  const corrected = parsed + context.skewMs;
  const now = context.now.getTime();
  if (corrected > now + MAX_FUTURE_MS) {
    problems.push(invalid('The event is dated more than 24 hours in the future', 'timestamp'));
    return undefined;
  }
  if (corrected < now - context.retentionDays * 86_400_000) {
    problems.push(
      invalid(`The event is older than the retention period of ${context.retentionDays} days`, 'timestamp'),
    );
    return undefined;
  }
  // A timestamp already as the store keeps it, and not moved: itself, with no Date and no new text per event.
  return corrected === parsed && isStoredForm(text) ? text : new Date(corrected).toISOString();
}

function invalid(detail: string, field: string): Problem {
  return { code: 'ENTITY_ERROR.ATTRIBUTE.INVALID', detail, field };
}

function clip(text: string): string {
  return text.length > 80 ? `${text.slice(0, 80)}…` : text;
}

/** A client's value quoted in a detail: clipped, and with no control or invisible character (visible-text.ts). */
export function shown(text: string): string {
  return clip(visibleText(text));
}
