import type { DeviceConnectionType, DeviceFamily, Platform } from '../testflight-values.js';
import type { ContentScreenshot } from './content.js';

/**
 * What a feedback submission of either kind tells (Apple's BetaFeedbackScreenshotSubmission and
 * BetaFeedbackCrashSubmission share these attributes), with its app, build and tester. `createdDate` is
 * ISO 8601 in UTC with milliseconds; a field the device did not report is null.
 */
export interface FeedbackSubmissionRecord {
  readonly id: string;
  readonly appId: string;
  readonly buildId: string | null;
  readonly testerId: string | null;
  readonly createdDate: string;
  readonly comment: string | null;
  readonly email: string | null;
  readonly deviceModel: string | null;
  readonly osVersion: string | null;
  readonly locale: string | null;
  readonly timeZone: string | null;
  readonly architecture: string | null;
  readonly connectionType: DeviceConnectionType | null;
  readonly pairedAppleWatch: string | null;
  readonly appUptimeInMilliseconds: number | null;
  readonly diskBytesAvailable: number | null;
  readonly diskBytesTotal: number | null;
  readonly batteryPercentage: number | null;
  readonly screenWidthInPoints: number | null;
  readonly screenHeightInPoints: number | null;
  readonly appPlatform: Platform | null;
  readonly devicePlatform: Platform | null;
  readonly deviceFamily: DeviceFamily | null;
  readonly buildBundleId: string | null;
  /**
   * The usage event it came from (docs/feedback-content.md): deleting the submission retracts that event from
   * the metrics. Null for a submission an operator made.
   */
  readonly eventId: string | null;
}

/** Apple's BetaFeedbackScreenshotImage. */
export interface ScreenshotImage {
  readonly url: string;
  readonly width: number;
  readonly height: number;
  readonly expirationDate?: string;
}

/**
 * A screenshot of a submission as stored: an image an operator gave by URL, or a screenshot an event named
 * that the store keeps (docs/feedback-content.md), which the API serves at a URL of its own.
 */
export type SubmissionScreenshot = ScreenshotImage | ContentScreenshot;

export interface ScreenshotFeedbackRecord extends FeedbackSubmissionRecord {
  readonly screenshots: readonly SubmissionScreenshot[];
}

/** The device attributes of a submission (Apple's names), as an event's `details` gives them; all optional. */
export type FeedbackDetails = Partial<
  Omit<
    FeedbackSubmissionRecord,
    'id' | 'appId' | 'buildId' | 'testerId' | 'createdDate' | 'comment' | 'eventId'
  >
>;

/** Apple's BetaCrashLog: the log a tester's crash feedback carries. */
export interface CrashLogRecord {
  readonly id: string;
  readonly appId: string;
  readonly logText: string;
}

export interface CrashFeedbackRecord extends FeedbackSubmissionRecord {
  readonly crashLogId: string | null;
}

/** A crash submission as read back, with its log's text when it has one. */
export interface CrashFeedbackWithLog extends CrashFeedbackRecord {
  readonly crashLog: CrashLogRecord | null;
}

/** The attributes of a submission that are not its identity, app or date: all null when the device sent none. */
export const FEEDBACK_DEFAULTS: Omit<FeedbackSubmissionRecord, 'id' | 'appId' | 'createdDate'> = {
  buildId: null,
  testerId: null,
  comment: null,
  email: null,
  deviceModel: null,
  osVersion: null,
  locale: null,
  timeZone: null,
  architecture: null,
  connectionType: null,
  pairedAppleWatch: null,
  appUptimeInMilliseconds: null,
  diskBytesAvailable: null,
  diskBytesTotal: null,
  batteryPercentage: null,
  screenWidthInPoints: null,
  screenHeightInPoints: null,
  appPlatform: null,
  devicePlatform: null,
  deviceFamily: null,
  buildBundleId: null,
  eventId: null,
};
