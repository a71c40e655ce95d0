import type { Kysely, SelectQueryBuilder } from 'kysely';
import { sql } from '../kysely.js';
import type {
  CrashLogHead,
  FeedbackBuildLabel,
  FeedbackInboxItem,
  FeedbackInboxQuery,
  FeedbackKind,
} from '../../domain/records/feedback-inbox.js';
import type { Database } from '../schema.js';
import { toScreenshotFeedback, toSubmission } from './feedback.js';
import { toCount } from './row-window.js';

/**
 * The dashboard's feedback inbox: one page of an app's screenshot and crash submissions together, newest first,
 * with the names of their builds and testers and the head of each crash log, read in one statement. Each kind
 * is read through its index by app and date (0008), at most one page of it, so a page costs the same however
 * big the inbox; only those rows are joined to builds, testers and logs, and only `CRASH_LOG_HEAD` characters
 * of a log leave the database.
 */

/** Characters of a crash log the inbox shows: the head of a report (its header and the crashed thread). */
export const CRASH_LOG_HEAD = 4000;

const SUBMISSION_COLUMNS = [
  'id',
  'app_id',
  'build_id',
  'tester_id',
  'created_date',
  'comment',
  'email',
  'device_model',
  'os_version',
  'locale',
  'time_zone',
  'architecture',
  'connection_type',
  'paired_apple_watch',
  'app_uptime_in_milliseconds',
  'disk_bytes_available',
  'disk_bytes_total',
  'battery_percentage',
  'screen_width_in_points',
  'screen_height_in_points',
  'app_platform',
  'device_platform',
  'device_family',
  'build_bundle_id',
  'event_id',
] as const;

const kindText = (kind: FeedbackKind) => sql<FeedbackKind>`cast(${sql.lit(kind)} as text)`;
const noText = sql<string | null>`cast(null as text)`;

/** The statement behind listFeedbackInbox (its plan is checked in dashboard-query-plan.test.ts). */
export function feedbackInboxQuery(db: Kysely<Database>, appId: string, query: FeedbackInboxQuery) {
  const branch = (kind: FeedbackKind) =>
    db
      .selectFrom(
        (kind === 'screenshot'
          ? db
              .selectFrom('beta_feedback_screenshot_submissions')
              .select(SUBMISSION_COLUMNS)
              .select([kindText(kind).as('kind'), 'screenshots', noText.as('crash_log_id')])
          : db
              .selectFrom('beta_feedback_crash_submissions')
              .select(SUBMISSION_COLUMNS)
              .select([kindText(kind).as('kind'), noText.as('screenshots'), 'crash_log_id'])
        )
          .$call((rows) => filtered(rows, appId, kind, query))
          .as(`${kind}_page`),
      )
      .selectAll();
  const page = query.kind === undefined ? branch('screenshot').unionAll(branch('crash')) : branch(query.kind);
  return db
    .selectFrom(page.as('f'))
    .leftJoin('builds as b', 'b.id', 'f.build_id')
    .leftJoin('pre_release_versions as v', 'v.id', 'b.pre_release_version_id')
    .leftJoin('beta_testers as t', 't.id', 'f.tester_id')
    .leftJoin('beta_crash_logs as l', 'l.id', 'f.crash_log_id')
    .selectAll('f')
    .select([
      'b.version as build_number',
      'b.uploaded_at as build_uploaded_at',
      'v.version as build_version',
      'v.platform as build_platform',
      't.id as tester_row_id',
      't.first_name as tester_first_name',
      't.last_name as tester_last_name',
      't.email as tester_email',
      'l.id as log_id',
      sql<string | null>`substr(l.log_text, 1, ${sql.lit(CRASH_LOG_HEAD)})`.as('log_head'),
      sql<number | string | null>`length(l.log_text)`.as('log_length'),
    ])
    .orderBy('f.created_date', 'desc')
    .orderBy('f.id', 'desc')
    .orderBy('f.kind', 'desc')
    .limit(query.limit);
}

export async function listFeedbackInbox(
  db: Kysely<Database>,
  appId: string,
  query: FeedbackInboxQuery,
): Promise<FeedbackInboxItem[]> {
  const rows = await feedbackInboxQuery(db, appId, query).execute();
  return rows.map((row): FeedbackInboxItem => {
    const build: FeedbackBuildLabel | null =
      row.build_number === null || row.build_uploaded_at === null || row.build_id === null
        ? null
        : {
            id: row.build_id,
            number: row.build_number,
            version: row.build_version,
            platform: row.build_platform,
            uploadedAt: row.build_uploaded_at,
          };
    const tester =
      row.tester_row_id === null || row.tester_email === null
        ? null
        : {
            id: row.tester_row_id,
            firstName: row.tester_first_name,
            lastName: row.tester_last_name,
            email: row.tester_email,
          };
    if (row.kind === 'screenshot')
      return {
        kind: 'screenshot',
        submission: toScreenshotFeedback({ ...row, screenshots: row.screenshots ?? '[]' }),
        build,
        tester,
      };
    const crashLog: CrashLogHead | null =
      row.log_id === null || row.log_head === null
        ? null
        : { id: row.log_id, text: row.log_head, truncated: toCount(row.log_length) > CRASH_LOG_HEAD };
    return {
      kind: 'crash',
      submission: { ...toSubmission(row), crashLogId: row.crash_log_id },
      build,
      tester,
      crashLog,
    };
  });
}

/**
 * One kind's part of a page: the app's rows that pass the filters and come after `query.after`, in the inbox's
 * order, at most `query.limit`. Past the cursor means a smaller (date, id), or the same (date, id) of a kind that
 * sorts before the cursor's (the order's last key is the kind, descending).
 */
function filtered<O>(
  branch: SelectQueryBuilder<
    Database,
    'beta_feedback_screenshot_submissions' | 'beta_feedback_crash_submissions',
    O
  >,
  appId: string,
  kind: FeedbackKind,
  query: FeedbackInboxQuery,
) {
  let q = branch.where('app_id', '=', appId);
  if (query.buildId !== undefined) q = q.where('build_id', '=', query.buildId);
  if (query.testerId !== undefined) q = q.where('tester_id', '=', query.testerId);
  const after = query.after;
  if (after !== undefined)
    q = q.where(({ eb, refTuple, tuple }) =>
      eb(refTuple('created_date', 'id'), kind < after.kind ? '<=' : '<', tuple(after.createdDate, after.id)),
    );
  return q.orderBy('created_date', 'desc').orderBy('id', 'desc').limit(query.limit);
}

/** The app's builds as the inbox names them. */
function buildLabels(db: Kysely<Database>, appId: string) {
  return db
    .selectFrom('builds as b')
    .leftJoin('pre_release_versions as v', 'v.id', 'b.pre_release_version_id')
    .where('b.app_id', '=', appId)
    .select([
      'b.id',
      'b.version as number',
      'b.uploaded_at',
      'v.version as version',
      'v.platform as platform',
    ]);
}

function toBuildLabel(row: {
  id: string;
  number: string;
  uploaded_at: string;
  version: string | null;
  platform: string | null;
}): FeedbackBuildLabel {
  return {
    id: row.id,
    number: row.number,
    version: row.version,
    platform: row.platform,
    uploadedAt: row.uploaded_at,
  };
}

/** The app's builds a filter may name, newest upload first, at most `limit`: what the build filter offers. */
export async function listFeedbackBuildChoices(
  db: Kysely<Database>,
  appId: string,
  limit: number,
): Promise<FeedbackBuildLabel[]> {
  const rows = await buildLabels(db, appId)
    .orderBy('b.uploaded_at', 'desc')
    .orderBy('b.id', 'desc')
    .limit(limit)
    .execute();
  return rows.map(toBuildLabel);
}

/** The app's build `buildId`; undefined when the app has no build with that id. */
export async function findFeedbackBuild(
  db: Kysely<Database>,
  appId: string,
  buildId: string,
): Promise<FeedbackBuildLabel | undefined> {
  const row = await buildLabels(db, appId).where('b.id', '=', buildId).executeTakeFirst();
  return row && toBuildLabel(row);
}
