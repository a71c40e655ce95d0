import type { Kysely } from 'kysely';
import { eventSubmissionId } from '../../domain/ids.js';
import { FEEDBACK_DEFAULTS, type FeedbackSubmissionRecord } from '../../domain/records/feedback.js';
import type { UsageEventRecord } from '../../domain/records/usage-event-record.js';
import type { Database } from '../schema.js';
import { linkScreenshots } from './content.js';
import { submissionColumns } from './feedback.js';
import { chunksFor } from './row-window.js';

/**
 * The submissions of the events a batch stored for the first time (docs/feedback-content.md, "The wire", step
 * 2), in the transaction that stores them (append-usage.ts): a `feedback` event with content becomes a
 * screenshot submission naming its screenshots, a `crash` event with content a crash submission with its log.
 * A duplicate is never passed here, so an event sent twice makes one submission; its id is derived from the
 * app and the event id (domain/ids.ts) all the same, so nothing else could make two.
 *
 * What the events name was checked before the transaction (services/ingestion.ts): the app, the tester of the
 * app, each screenshot uploaded for it. The build is the app's build of the event's build number, when it has
 * one (an app allowing unknown builds has had it created by now), else none.
 */
export async function insertEventSubmissions(
  db: Kysely<Database>,
  accepted: readonly UsageEventRecord[],
  maxParameters: number,
): Promise<void> {
  const withContent = accepted.filter(
    (event) => event.content !== undefined && (event.type === 'feedback' || event.type === 'crash'),
  );
  if (withContent.length === 0) return;
  const builds = await buildIds(db, withContent);
  const submission = (event: UsageEventRecord): FeedbackSubmissionRecord => ({
    ...FEEDBACK_DEFAULTS,
    ...event.content?.details,
    id: eventSubmissionId(event.appId, event.id),
    appId: event.appId,
    buildId: builds.get(`${event.appId}\u0000${event.build ?? ''}`) ?? null,
    testerId: event.testerId,
    createdDate: event.occurredAt,
    comment: event.content?.comment ?? null,
    eventId: event.id,
  });

  const feedback = withContent.filter((event) => event.type === 'feedback');
  const screenshotRows = feedback.map((event) => ({
    ...submissionColumns(submission(event)),
    screenshots: JSON.stringify(event.content?.screenshots ?? []),
  }));
  for (const chunk of chunksFor(screenshotRows, 27, maxParameters))
    await db.insertInto('beta_feedback_screenshot_submissions').values(chunk).execute();
  for (const event of feedback) {
    const sha256s = (event.content?.screenshots ?? []).map((screenshot) => screenshot.sha256);
    await linkScreenshots(db, eventSubmissionId(event.appId, event.id), event.appId, sha256s);
  }

  const crashes = withContent.filter((event) => event.type === 'crash');
  const logs = crashes.flatMap((event) =>
    event.content?.crashLog === undefined
      ? []
      : [
          {
            id: eventSubmissionId(event.appId, event.id, 'crashLog'),
            app_id: event.appId,
            log_text: event.content.crashLog,
          },
        ],
  );
  for (const chunk of chunksFor(logs, 3, maxParameters))
    await db.insertInto('beta_crash_logs').values(chunk).execute();
  const crashRows = crashes.map((event) => ({
    ...submissionColumns(submission(event)),
    crash_log_id:
      event.content?.crashLog === undefined ? null : eventSubmissionId(event.appId, event.id, 'crashLog'),
  }));
  for (const chunk of chunksFor(crashRows, 27, maxParameters))
    await db.insertInto('beta_feedback_crash_submissions').values(chunk).execute();
}

/** The build ids of the build numbers the events name, keyed by app and build number. */
async function buildIds(
  db: Kysely<Database>,
  events: readonly UsageEventRecord[],
): Promise<Map<string, string>> {
  const perApp = new Map<string, Set<string>>();
  for (const event of events) {
    if (event.build === undefined || event.build === '') continue;
    perApp.set(event.appId, (perApp.get(event.appId) ?? new Set()).add(event.build));
  }
  const ids = new Map<string, string>();
  for (const [appId, versions] of perApp) {
    const rows = await db
      .selectFrom('builds')
      .select(['id', 'version'])
      .where('app_id', '=', appId)
      .where('version', 'in', [...versions])
      .execute();
    for (const row of rows) ids.set(`${appId}\u0000${row.version}`, row.id);
  }
  return ids;
}
