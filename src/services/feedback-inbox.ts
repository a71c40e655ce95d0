import type { AppRecord } from '../domain/records/app.js';
import {
  type FeedbackBuildLabel,
  type FeedbackInboxItem,
  type FeedbackKind,
  type FeedbackPosition,
  type FeedbackTesterLabel,
  feedbackPosition,
} from '../domain/records/feedback-inbox.js';
import type { CrashLogRecord } from '../domain/records/feedback.js';
import type { DirectoryReads } from '../storage/directory-store.js';
import type { SnapshotReads, SnapshotStore } from '../storage/snapshot-store.js';

/** Submissions per page of the inbox: a page is all a request ever reads of an app's feedback. */
export const FEEDBACK_PER_PAGE = 50;
/** Builds the build filter offers (the newest); a filter may still name an older one. */
export const BUILD_CHOICES = 100;

/** Which page of an app's feedback to show. */
export interface FeedbackInboxRequest {
  readonly kind?: FeedbackKind;
  readonly buildId?: string;
  readonly testerId?: string;
  /** The page after this position (older submissions); the newest page without it. */
  readonly after?: FeedbackPosition;
}

export interface FeedbackInboxPage {
  readonly status: 'page';
  readonly app: AppRecord;
  /** At most FEEDBACK_PER_PAGE, newest first. */
  readonly items: readonly FeedbackInboxItem[];
  /** Where the next (older) page starts; undefined on the last page. */
  readonly next?: FeedbackPosition;
  /** The builds the build filter offers, newest first, with the filter's own build among them. */
  readonly buildChoices: readonly FeedbackBuildLabel[];
  /** The build and tester the filters name. */
  readonly build?: FeedbackBuildLabel;
  readonly tester?: FeedbackTesterLabel;
}

/** A page, or what the request names that does not exist. */
export type FeedbackInboxAnswer =
  | FeedbackInboxPage
  | { readonly status: 'no app' }
  | { readonly status: 'no build'; readonly app: AppRecord }
  | { readonly status: 'no tester'; readonly app: AppRecord };

/**
 * The dashboard's feedback inbox of an app: its screenshot and crash submissions together, newest first, a
 * page at a time, read in one snapshot (the page, its filters' build and tester, the build choices agree).
 */
export interface FeedbackInboxService {
  page(appId: string, request: FeedbackInboxRequest): Promise<FeedbackInboxAnswer>;
  /** The whole log of the app's crash submission `submissionId`; undefined when it has none or is another app's. */
  crashLog(appId: string, submissionId: string): Promise<CrashLogRecord | undefined>;
}

export function feedbackInboxService(
  store: DirectoryReads & SnapshotStore<SnapshotReads>,
): FeedbackInboxService {
  return {
    page(appId, request) {
      return store.snapshot(async (reader): Promise<FeedbackInboxAnswer> => {
        const app = await reader.findApp(appId);
        if (app === undefined) return { status: 'no app' };
        let build: FeedbackBuildLabel | undefined;
        if (request.buildId !== undefined) {
          build = await reader.findFeedbackBuild(appId, request.buildId);
          if (build === undefined) return { status: 'no build', app };
        }
        let tester: FeedbackTesterLabel | undefined;
        if (request.testerId !== undefined) {
          // Any tester, not only the app's: one who left the app keeps the feedback they sent.
          const found = await reader.findTester(request.testerId);
          if (found === undefined) return { status: 'no tester', app };
          tester = {
            id: found.id,
            firstName: found.firstName,
            lastName: found.lastName,
            email: found.email,
          };
        }
        // One more than a page tells whether there is a next one.
        const read = await reader.listFeedbackInbox(appId, { ...request, limit: FEEDBACK_PER_PAGE + 1 });
        const items = read.slice(0, FEEDBACK_PER_PAGE);
        const last = items.at(-1);
        const choices = await reader.listFeedbackBuildChoices(appId, BUILD_CHOICES);
        const filterBuild = build;
        const buildChoices =
          filterBuild === undefined || choices.some((choice) => choice.id === filterBuild.id)
            ? choices
            : [...choices, filterBuild];
        return {
          status: 'page',
          app,
          items,
          ...(read.length > FEEDBACK_PER_PAGE && last !== undefined && { next: feedbackPosition(last) }),
          buildChoices,
          ...(build !== undefined && { build }),
          ...(tester !== undefined && { tester }),
        };
      });
    },

    async crashLog(appId, submissionId) {
      const crash = await store.findCrashFeedback(submissionId);
      if (crash === undefined || crash.appId !== appId) return undefined;
      return crash.crashLog ?? undefined;
    },
  };
}
