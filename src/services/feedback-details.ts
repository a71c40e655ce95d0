import type { FeedbackDetails } from '../domain/records/feedback.js';
import { DEVICE_CONNECTION_TYPES, DEVICE_FAMILIES, PLATFORMS } from '../domain/testflight-values.js';
import { integer, oneOf, text } from './attribute-input.js';
import { InputError, problemSentence } from './input-error.js';

/**
 * The device attributes of a feedback submission (Apple's BetaFeedbackScreenshotSubmission names), checked the
 * same way for an operator's input (CLI, import, API writes: feedback.ts) and an event's `details`
 * (docs/feedback-content.md: event-content.ts).
 */

/** Text attributes: at most this many characters. */
const TEXT = 4096;
const INT64 = Number.MAX_SAFE_INTEGER;

export type DetailName = keyof Required<FeedbackDetails>;

/** A value given as text, or undefined; anything else is refused naming `field`. */
function textOf(field: string, value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new InputError(`the ${field} must be text`);
  return value;
}

/** A value given as a number, or undefined; anything else is refused naming `field`. */
function numberOf(field: string, value: unknown): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number') throw new InputError(`the ${field} must be a whole number`);
  return value;
}

const textDetail = (field: string) => (value: unknown) => text(field, textOf(field, value), TEXT) ?? null;
const countDetail =
  (field: string, max = INT64) =>
  (value: unknown) =>
    integer(field, numberOf(field, value), 0, max) ?? null;
const oneOfDetail =
  <T extends string>(field: string, allowed: readonly T[]) =>
  (value: unknown) =>
    oneOf(field, textOf(field, value), allowed) ?? null;

/**
 * The check of each device attribute of a submission, by Apple's name: the same for an operator's input (CLI,
 * import, API writes) and an event's `details` (docs/feedback-content.md). Each throws InputError.
 */
export const DETAIL_CHECKS: { readonly [K in DetailName]: (value: unknown) => FeedbackDetails[K] } = {
  email: textDetail('email'),
  deviceModel: textDetail('device model'),
  osVersion: textDetail('OS version'),
  locale: textDetail('locale'),
  timeZone: textDetail('time zone'),
  architecture: textDetail('architecture'),
  connectionType: oneOfDetail('connection type', DEVICE_CONNECTION_TYPES),
  pairedAppleWatch: textDetail('paired Apple Watch'),
  appUptimeInMilliseconds: countDetail('app uptime'),
  diskBytesAvailable: countDetail('disk bytes available'),
  diskBytesTotal: countDetail('disk bytes total'),
  batteryPercentage: countDetail('battery percentage', 100),
  screenWidthInPoints: countDetail('screen width', 100_000),
  screenHeightInPoints: countDetail('screen height', 100_000),
  appPlatform: oneOfDetail('app platform', PLATFORMS),
  devicePlatform: oneOfDetail('device platform', PLATFORMS),
  deviceFamily: oneOfDetail('device family', DEVICE_FAMILIES),
  buildBundleId: textDetail('build bundle id'),
};

/** A problem of an event's `details`: the attribute (Apple's name) and what is wrong with it. */
export interface DetailProblem {
  readonly attribute: string;
  readonly detail: string;
  /** The attribute is not one of a submission's. */
  readonly unknown: boolean;
}

/**
 * An event's `details` checked as an operator's attributes are (DETAIL_CHECKS): the attributes it gives, and
 * a problem per attribute that is unknown or breaks its rule.
 */
export function checkedDetails(details: Readonly<Record<string, unknown>>): {
  readonly details: FeedbackDetails;
  readonly problems: readonly DetailProblem[];
} {
  const checked: Record<string, unknown> = {};
  const problems: DetailProblem[] = [];
  for (const [attribute, value] of Object.entries(details)) {
    const check = Object.hasOwn(DETAIL_CHECKS, attribute)
      ? DETAIL_CHECKS[attribute as DetailName]
      : undefined;
    if (check === undefined) {
      problems.push({ attribute, detail: 'is not a device attribute of a submission', unknown: true });
      continue;
    }
    try {
      const read = check(value);
      if (read !== null) checked[attribute] = read;
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      problems.push({ attribute, detail: problemSentence(error), unknown: false });
    }
  }
  return { details: checked as FeedbackDetails, problems };
}
