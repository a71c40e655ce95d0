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
import type { ContentStore } from '../storage/content-store.js';
import type { DirectoryStore } from '../storage/directory-store.js';
import { isEventId } from '../domain/usage-event-rules.js';
import { instant, integer, resourceId, text, url } from './attribute-input.js';
import { everyRow } from './builds.js';
import { storeWrite } from './store-write.js';
import { InputError } from './input-error.js';
import { DETAIL_CHECKS, type DetailName } from './feedback-details.js';

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
