import { randomUUID } from 'node:crypto';
import type { Clock } from '../domain/clock.js';
import {
  type CrashFeedbackRecord,
  type CrashFeedbackWithLog,
  FEEDBACK_DEFAULTS,
  type FeedbackSubmissionRecord,
  type ScreenshotFeedbackRecord,
  type ScreenshotImage,
} from '../domain/records/feedback.js';
import { DEVICE_CONNECTION_TYPES, DEVICE_FAMILIES, PLATFORMS } from '../domain/testflight-values.js';
import type { DirectoryStore } from '../storage/directory-store.js';
import { instant, integer, oneOf, resourceId, text, url } from './attribute-input.js';
import { everyRow } from './builds.js';
import { storeWrite } from './store-write.js';
import { InputError } from './input-error.js';

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
}

export interface ScreenshotFeedbackInput extends FeedbackInput {
  readonly screenshots?: readonly ScreenshotImage[];
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

export function feedbackService(store: DirectoryStore, clock: Clock): FeedbackService {
  const hint = (appId: string) => `'builds list --app ${appId}' and 'testers list --app ${appId}'`;
  const requireApp = async (appId: string) => {
    resourceId('app id', appId);
    if ((await store.findApp(appId)) === undefined)
      throw new InputError(`there is no app with id '${appId}'; list them with 'apps list'`);
  };
  return {
    async createScreenshot(input) {
      const submission: ScreenshotFeedbackRecord = {
        ...checkedSubmission(input, clock),
        screenshots: checkedScreenshots(input.screenshots ?? []),
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
  const optional = (field: string, value: string | undefined) => text(field, value, TEXT) ?? null;
  const count = (field: string, value: number | undefined, max = INT64) =>
    integer(field, value, 0, max) ?? null;
  return {
    ...FEEDBACK_DEFAULTS,
    id: resourceId('submission id', input.id) ?? randomUUID(),
    appId: resourceId('app id', input.appId) ?? input.appId,
    buildId: resourceId('build id', input.buildId) ?? null,
    testerId: resourceId('tester id', input.testerId) ?? null,
    createdDate: instant('created date', input.createdDate) ?? clock.now().toISOString(),
    comment: optional('comment', input.comment),
    email: optional('email', input.email),
    deviceModel: optional('device model', input.deviceModel),
    osVersion: optional('OS version', input.osVersion),
    locale: optional('locale', input.locale),
    timeZone: optional('time zone', input.timeZone),
    architecture: optional('architecture', input.architecture),
    connectionType: oneOf('connection type', input.connectionType, DEVICE_CONNECTION_TYPES) ?? null,
    pairedAppleWatch: optional('paired Apple Watch', input.pairedAppleWatch),
    appUptimeInMilliseconds: count('app uptime', input.appUptimeInMilliseconds),
    diskBytesAvailable: count('disk bytes available', input.diskBytesAvailable),
    diskBytesTotal: count('disk bytes total', input.diskBytesTotal),
    batteryPercentage: count('battery percentage', input.batteryPercentage, 100),
    screenWidthInPoints: count('screen width', input.screenWidthInPoints, 100_000),
    screenHeightInPoints: count('screen height', input.screenHeightInPoints, 100_000),
    appPlatform: oneOf('app platform', input.appPlatform, PLATFORMS) ?? null,
    devicePlatform: oneOf('device platform', input.devicePlatform, PLATFORMS) ?? null,
    deviceFamily: oneOf('device family', input.deviceFamily, DEVICE_FAMILIES) ?? null,
    buildBundleId: optional('build bundle id', input.buildBundleId),
  };
}

/** Apple's BetaFeedbackScreenshotImage list: http(s) URLs with their size in pixels. */
function checkedScreenshots(screenshots: readonly ScreenshotImage[]): ScreenshotImage[] {
  if (screenshots.length > SCREENSHOTS)
    throw new InputError(`a submission has at most ${SCREENSHOTS} screenshots`);
  return screenshots.map((image) => {
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
