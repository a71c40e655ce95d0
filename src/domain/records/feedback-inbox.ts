import type { CrashFeedbackRecord, ScreenshotFeedbackRecord } from './feedback.js';

/** The two kinds of feedback a tester sends: Apple's betaFeedbackScreenshotSubmissions and ...CrashSubmissions. */
export type FeedbackKind = 'screenshot' | 'crash';
export const FEEDBACK_KINDS: readonly FeedbackKind[] = ['screenshot', 'crash'];

export function isFeedbackKind(text: string): text is FeedbackKind {
  return (FEEDBACK_KINDS as readonly string[]).includes(text);
}

/**
 * Where a submission stands in an app's inbox, which lists the newest first: by `createdDate`, then `id`, then
 * `kind`, all descending (compared as bytes), so the order is total even for a screenshot and a crash
 * submission with the same id and date.
 */
export interface FeedbackPosition {
  readonly createdDate: string;
  readonly id: string;
  readonly kind: FeedbackKind;
}

/** Which submissions of an app to list, and how many from where. */
export interface FeedbackInboxQuery {
  /** Only this kind; both when absent. */
  readonly kind?: FeedbackKind;
  /** Only those sent from this build (by id). */
  readonly buildId?: string;
  /** Only those sent by this tester (by id). */
  readonly testerId?: string;
  /** Only those after this position in the inbox's order (older ones): keyset paging. */
  readonly after?: FeedbackPosition;
  readonly limit: number;
}

/** The build a submission came from, as the inbox names it. */
export interface FeedbackBuildLabel {
  readonly id: string;
  /** The build number (CFBundleVersion). */
  readonly number: string;
  /** Its pre-release version (CFBundleShortVersionString) and platform, when it has one. */
  readonly version: string | null;
  readonly platform: string | null;
  readonly uploadedAt: string;
}

/** The tester who sent a submission, as the inbox names them. */
export interface FeedbackTesterLabel {
  readonly id: string;
  readonly firstName: string | null;
  readonly lastName: string | null;
  readonly email: string;
}

/** The first characters of a crash log, for reading in the inbox; the whole log is downloaded apart. */
export interface CrashLogHead {
  readonly id: string;
  readonly text: string;
  /** Whether the log goes on after `text`. */
  readonly truncated: boolean;
}

interface InboxItemParts {
  /** Null when the submission names none, or names one no longer stored. */
  readonly build: FeedbackBuildLabel | null;
  readonly tester: FeedbackTesterLabel | null;
}

/** One submission of an app's inbox, with the names of its build and tester. */
export type FeedbackInboxItem =
  | (InboxItemParts & { readonly kind: 'screenshot'; readonly submission: ScreenshotFeedbackRecord })
  | (InboxItemParts & {
      readonly kind: 'crash';
      readonly submission: CrashFeedbackRecord;
      readonly crashLog: CrashLogHead | null;
    });

/** The position of an item in the inbox's order. */
export function feedbackPosition(item: FeedbackInboxItem): FeedbackPosition {
  return { createdDate: item.submission.createdDate, id: item.submission.id, kind: item.kind };
}
