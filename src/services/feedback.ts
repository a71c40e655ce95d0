import { randomUUID } from 'node:crypto';
import type { Clock } from '../domain/clock.js';
import {
  type CrashFeedbackRecord,
  type CrashFeedbackWithLog,
  FEEDBACK_DEFAULTS,
  type FeedbackDetails,
  type FeedbackSubmissionRecord,
  type ScreenshotFeedbackRecord,
  type ScreenshotImage,
  type SubmissionScreenshot,
} from '../domain/records/feedback.js';
import { DEVICE_CONNECTION_TYPES, DEVICE_FAMILIES, PLATFORMS } from '../domain/testflight-values.js';
import type { ContentStore } from '../storage/content-store.js';
import type { DirectoryStore } from '../storage/directory-store.js';
import { isEventId } from '../domain/usage-event-rules.js';
import { instant, integer, oneOf, resourceId, text, url } from './attribute-input.js';
import { everyRow } from './builds.js';
import { storeWrite } from './store-write.js';
import { InputError, problemSentence } from './input-error.js';

/** Apple's attributes of a feedback submission of either kind, as an operator gives them; all optional. */
export interface FeedbackInput {
  readonly appId: string;
  readonly id?: string;
  /** The build it was sent from, and the tester who sent it: of the app. */
  readonly buildId?: string;
  readonly testerId?: string;
  /** Apple's createdDate (default: now). */
  readonly createdDate?: string;
  readonly comment?: string;
  readonly email?: string;
  readonly deviceModel?: string;
  readonly osVersion?: string;
  readonly locale?: string;
  readonly timeZone?: string;
  readonly architecture?: string;
  readonly connectionType?: string;
  readonly pairedAppleWatch?: string;
  readonly appUptimeInMilliseconds?: number;
  readonly diskBytesAvailable?: number;
  readonly diskBytesTotal?: number;
  readonly batteryPercentage?: number;
  readonly screenWidthInPoints?: number;
  readonly screenHeightInPoints?: number;
  readonly appPlatform?: string;
  readonly devicePlatform?: string;
  readonly deviceFamily?: string;
  readonly buildBundleId?: string;
  /** The usage event the submission came from, as an export writes it (docs/feedback-content.md). */
  readonly eventId?: string;
}

export interface ScreenshotFeedbackInput extends FeedbackInput {
  /**
   * Images given by URL, or screenshots the store keeps for the app, named by their SHA-256 (what an export
   * writes for a submission that came from an event; their type and size are read from the store).
   */
  readonly screenshots?: readonly (ScreenshotImage | { readonly sha256: string })[];
}

export interface CrashFeedbackInput extends FeedbackInput {
  /** The crash log's text, kept as a BetaCrashLog of its own. */
  readonly crashLog?: string;
  /** The crash log's id (default: a new UUID). */
  readonly crashLogId?: string;
}

export interface FeedbackService {
  createScreenshot(input: ScreenshotFeedbackInput): Promise<ScreenshotFeedbackRecord>;
  createCrash(input: CrashFeedbackInput): Promise<CrashFeedbackWithLog>;
  /** Every submission of an app, by id; InputError when there is no such app. */
  listScreenshots(appId: string): Promise<ScreenshotFeedbackRecord[]>;
  listCrashes(appId: string): Promise<CrashFeedbackWithLog[]>;
  /** Apple's betaFeedbackScreenshotSubmissions_deleteInstance; InputError when there is no such submission. */
  deleteScreenshot(id: string): Promise<void>;
  /** Apple's betaFeedbackCrashSubmissions_deleteInstance: its crash log goes with it (unless another names it). */
  deleteCrash(id: string): Promise<void>;
}

const TEXT = 4096;
/** A crash log is a whole symbolicated report: a few hundred kilobytes at most. */
const CRASH_LOG_TEXT = 1_000_000;
const SCREENSHOTS = 20;
const INT64 = Number.MAX_SAFE_INTEGER;
const SHA256_HEX = /^[0-9a-f]{64}$/;

export function feedbackService(
  store: DirectoryStore & Pick<ContentStore, 'hasContent'>,
  clock: Clock,
): FeedbackService {
  const hint = (appId: string) => `'builds list --app ${appId}' and 'testers list --app ${appId}'`;
  const requireApp = async (appId: string) => {
    resourceId('app id', appId);
    if ((await store.findApp(appId)) === undefined)
      throw new InputError(`there is no app with id '${appId}'; list them with 'apps list'`);
  };
  /** Each screenshot named by SHA-256 with its type and size as the app's stored content has them. */
  const keptScreenshots = async (
    appId: string,
    screenshots: readonly (ScreenshotImage | { readonly sha256: string })[],
  ): Promise<SubmissionScreenshot[]> => {
    const named = screenshots.flatMap((image) => ('sha256' in image ? [image.sha256] : []));
    const kept = named.length === 0 ? new Map() : await store.hasContent(appId, named);
    return screenshots.map((image) => {
      if (!('sha256' in image)) return image;
      const content = kept.get(image.sha256);
      if (content === undefined)
        throw new InputError(
          `the app '${appId}' has no stored screenshot ${image.sha256}; import its screenshotContent line first`,
        );
      const { sha256, mediaType, width, height } = content;
      return { sha256, mediaType, width, height };
    });
  };
  return {
    async createScreenshot(input) {
      const base = checkedSubmission(input, clock);
      const submission: ScreenshotFeedbackRecord = {
        ...base,
        screenshots: await keptScreenshots(base.appId, checkedScreenshots(input.screenshots ?? [])),
      };
      await storeWrite(() => store.createScreenshotFeedback(submission), hint(submission.appId));
      return submission;
    },

    async createCrash(input) {
      const base = checkedSubmission(input, clock);
      const logText = text('crash log', input.crashLog, CRASH_LOG_TEXT);
      const crashLogId =
        resourceId('crash log id', input.crashLogId) ?? (logText === undefined ? null : randomUUID());
      const submission: CrashFeedbackRecord = { ...base, crashLogId };
      const crashLog =
        logText === undefined || crashLogId === null
          ? undefined
          : { id: crashLogId, appId: base.appId, logText };
      await storeWrite(() => store.createCrashFeedback(submission, crashLog), hint(submission.appId));
      return { ...submission, crashLog: crashLog ?? null };
    },

    async listScreenshots(appId) {
      await requireApp(appId);
      return everyRow((window) => store.listScreenshotFeedback(appId, window));
    },

    async listCrashes(appId) {
      await requireApp(appId);
      return everyRow((window) => store.listCrashFeedback(appId, window));
    },

    async deleteScreenshot(id) {
      resourceId('submission id', id);
      await storeWrite(() => store.deleteScreenshotFeedback(id), "'feedback list --app APP_ID'");
    },

    async deleteCrash(id) {
      resourceId('submission id', id);
      await storeWrite(() => store.deleteCrashFeedback(id), "'feedback list --app APP_ID'");
    },
  };
}

function checkedSubmission(input: FeedbackInput, clock: Clock): FeedbackSubmissionRecord {
  const details: Record<string, unknown> = {};
  for (const [name, check] of Object.entries(DETAIL_CHECKS)) details[name] = check(input[name as DetailName]);
  return {
    ...FEEDBACK_DEFAULTS,
    ...(details as FeedbackDetails),
    id: resourceId('submission id', input.id) ?? randomUUID(),
    appId: resourceId('app id', input.appId) ?? input.appId,
    buildId: resourceId('build id', input.buildId) ?? null,
    testerId: resourceId('tester id', input.testerId) ?? null,
    createdDate: instant('created date', input.createdDate) ?? clock.now().toISOString(),
    comment: text('comment', input.comment, TEXT) ?? null,
    eventId: eventIdOf(input.eventId),
  };
}

function eventIdOf(value: string | undefined): string | null {
  if (value === undefined) return null;
  if (typeof value !== 'string' || !isEventId(value))
    throw new InputError('the event id must be a UUID or up to 64 letters, digits, ., _, : or -');
  return value;
}

type DetailName = keyof Required<FeedbackDetails>;

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
const DETAIL_CHECKS: { readonly [K in DetailName]: (value: unknown) => FeedbackDetails[K] } = {
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

/**
 * Apple's BetaFeedbackScreenshotImage list: http(s) URLs with their size in pixels, or stored screenshots by
 * SHA-256 (checked against the store by the caller).
 */
function checkedScreenshots(
  screenshots: readonly (ScreenshotImage | { readonly sha256: string })[],
): (ScreenshotImage | { readonly sha256: string })[] {
  if (screenshots.length > SCREENSHOTS)
    throw new InputError(`a submission has at most ${SCREENSHOTS} screenshots`);
  return screenshots.map((image) => {
    if ('sha256' in image) {
      if (typeof image.sha256 !== 'string' || !SHA256_HEX.test(image.sha256))
        throw new InputError('a stored screenshot is named by its SHA-256: 64 lowercase hex digits');
      return { sha256: image.sha256 };
    }
    url('screenshot URL', image.url);
    text('screenshot URL', image.url, 2048);
    integer('screenshot width', image.width, 1, 100_000);
    integer('screenshot height', image.height, 1, 100_000);
    const expirationDate = instant('screenshot expiration date', image.expirationDate);
    return {
      url: image.url,
      width: image.width,
      height: image.height,
      ...(expirationDate !== undefined && { expirationDate }),
    };
  });
}
