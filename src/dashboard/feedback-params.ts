import { isResourceId } from '../domain/ids.js';
import {
  type FeedbackKind,
  type FeedbackPosition,
  isFeedbackKind,
} from '../domain/records/feedback-inbox.js';
import { DASHBOARD_PATH } from '../services/dashboard-sessions.js';
import { ViewParamError } from './view-params.js';

/** What a feedback inbox page shows: its filters and where its page starts. Every part lives in the URL. */
export interface FeedbackView {
  readonly kind?: FeedbackKind;
  readonly buildId?: string;
  readonly testerId?: string;
  /** The page of the submissions after this one (older); the newest page without it. */
  readonly before?: FeedbackPosition;
}

/** The whole inbox: no filter, the newest page. */
export const ALL_FEEDBACK: FeedbackView = {};

/** `2023-10-05T12:00:00.000Z`: how the store keeps every instant (domain/records/feedback.ts). */
const STORED_INSTANT = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
/** Between the parts of `before`: neither an instant, a kind nor an id holds it. */
const POSITION_SEPARATOR = '~';

/**
 * The view a query string asks for: `type` (screenshot or crash), `build` and `tester` (ids), `before` (where
 * the page starts, as the "Older" link writes it). ViewParamError says what is wrong, in words for the page.
 */
export function parseFeedbackView(query: unknown): FeedbackView {
  const value = (name: string) => {
    const raw = (query as Record<string, unknown> | undefined)?.[name];
    if (raw === undefined || raw === '') return undefined;
    if (typeof raw !== 'string') throw new ViewParamError(`Give '${name}' once.`);
    return raw;
  };
  const kind = value('type');
  if (kind !== undefined && !isFeedbackKind(kind))
    throw new ViewParamError(`'${kind}' is not a kind of feedback: choose screenshot or crash.`);
  const buildId = value('build');
  if (buildId !== undefined && !isResourceId(buildId))
    throw new ViewParamError(`'${buildId}' is not a build id.`);
  const testerId = value('tester');
  if (testerId !== undefined && !isResourceId(testerId))
    throw new ViewParamError(`'${testerId}' is not a tester id.`);
  const beforeText = value('before');
  const before = beforeText === undefined ? undefined : parsePosition(beforeText);
  return {
    ...(kind !== undefined && { kind }),
    ...(buildId !== undefined && { buildId }),
    ...(testerId !== undefined && { testerId }),
    ...(before !== undefined && { before }),
  };
}

function parsePosition(text: string): FeedbackPosition {
  const [createdDate = '', kind = '', id = '', ...rest] = text.split(POSITION_SEPARATOR);
  if (rest.length > 0 || !STORED_INSTANT.test(createdDate) || !isFeedbackKind(kind) || !isResourceId(id))
    throw new ViewParamError(`'${text}' is not a place in the inbox: follow the page's "Older" link.`);
  return { createdDate, kind, id };
}

/** The query string of `view` (with `?`), in a fixed order. */
export function feedbackQuery(view: FeedbackView): string {
  const params = new URLSearchParams();
  if (view.kind !== undefined) params.set('type', view.kind);
  if (view.buildId !== undefined) params.set('build', view.buildId);
  if (view.testerId !== undefined) params.set('tester', view.testerId);
  if (view.before !== undefined)
    params.set(
      'before',
      [view.before.createdDate, view.before.kind, view.before.id].join(POSITION_SEPARATOR),
    );
  const text = params.toString();
  return text === '' ? '' : `?${text}`;
}

export const feedbackHref = (appId: string, view: FeedbackView = ALL_FEEDBACK) =>
  `${DASHBOARD_PATH}/apps/${encodeURIComponent(appId)}/feedback${feedbackQuery(view)}`;

/** A crash submission's whole log, as a file. */
export const crashLogHref = (appId: string, submissionId: string) =>
  `${DASHBOARD_PATH}/apps/${encodeURIComponent(appId)}/feedback/${encodeURIComponent(submissionId)}/crash-log`;
