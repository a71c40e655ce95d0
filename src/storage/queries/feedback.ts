import type { Kysely, Selectable } from 'kysely';
import type {
  CrashFeedbackRecord,
  CrashFeedbackWithLog,
  CrashLogRecord,
  FeedbackSubmissionRecord,
  ScreenshotFeedbackRecord,
  SubmissionScreenshot,
} from '../../domain/records/feedback.js';
import type { RowWindow } from '../../domain/row-window.js';
import { StoreReferenceError } from '../../domain/store-problems.js';
import type { Database } from '../schema.js';
import type {
  BetaFeedbackCrashSubmissionsTable,
  BetaFeedbackScreenshotSubmissionsTable,
} from '../schema-feedback.js';
import type { ReleasedBlob } from '../content-bytes.js';
import { linkScreenshots } from './content.js';
import { deleteSubmissions } from './submission-deletes.js';
import { requireApp, requireOfApp, requireTestersOfApp } from './references.js';
import { applyWindow } from './row-window.js';
import { fromCounter } from './stored-values.js';

/** Checks what a submission names: its app, and the build and tester of that app it came from. */
async function requireRelations(db: Kysely<Database>, submission: FeedbackSubmissionRecord): Promise<void> {
  await requireApp(db, submission.appId);
  if (submission.buildId !== null)
    await requireOfApp(db, 'builds', 'build', submission.appId, [submission.buildId]);
  if (submission.testerId !== null) await requireTestersOfApp(db, submission.appId, [submission.testerId]);
}

export async function insertScreenshotFeedback(
  db: Kysely<Database>,
  submission: ScreenshotFeedbackRecord,
): Promise<void> {
  await requireRelations(db, submission);
  await db
    .insertInto('beta_feedback_screenshot_submissions')
    .values({ ...submissionColumns(submission), screenshots: JSON.stringify(submission.screenshots) })
    .execute();
  // Stored screenshots are named in the links too, which keep their bytes while a submission names them.
  const stored = submission.screenshots.flatMap((image) => ('sha256' in image ? [image.sha256] : []));
  await linkScreenshots(db, submission.id, submission.appId, stored);
}

/** Writes a crash submission and, when it brings one, its crash log (under `crashLogId`), all or none. */
export async function insertCrashFeedback(
  db: Kysely<Database>,
  submission: CrashFeedbackRecord,
  crashLog: CrashLogRecord | undefined,
): Promise<void> {
  await requireRelations(db, submission);
  if (crashLog !== undefined) {
    await db
      .insertInto('beta_crash_logs')
      .values({ id: crashLog.id, app_id: crashLog.appId, log_text: crashLog.logText })
      .execute();
  }
  if (submission.crashLogId !== null)
    await requireOfApp(db, 'beta_crash_logs', 'crash log', submission.appId, [submission.crashLogId]);
  await db
    .insertInto('beta_feedback_crash_submissions')
    .values({ ...submissionColumns(submission), crash_log_id: submission.crashLogId })
    .execute();
}

/**
 * Apple's betaFeedbackScreenshotSubmissions_deleteInstance: the submission, its links to its screenshots and the
 * blobs no other submission names (returned, for their bytes to go), and the event it came from
 * (submission-deletes.ts). StoreReferenceError when there is none.
 */
export async function deleteScreenshotFeedback(db: Kysely<Database>, id: string): Promise<ReleasedBlob[]> {
  const deleted = await deleteSubmissions(db, { screenshots: [id], crashes: [] }, true);
  if (deleted.screenshots === 0) throw new StoreReferenceError(`screenshot feedback submission ${id}`);
  return [...deleted.released];
}

/**
 * Apple's betaFeedbackCrashSubmissions_deleteInstance: the submission and its crash log, unless another
 * submission names the same log, and the event it came from. StoreReferenceError when there is none.
 */
export async function deleteCrashFeedback(db: Kysely<Database>, id: string): Promise<void> {
  const deleted = await deleteSubmissions(db, { screenshots: [], crashes: [id] }, true);
  if (deleted.crashes === 0) throw new StoreReferenceError(`crash feedback submission ${id}`);
}

export function submissionColumns(submission: FeedbackSubmissionRecord) {
  return {
    id: submission.id,
    app_id: submission.appId,
    build_id: submission.buildId,
    tester_id: submission.testerId,
    created_date: submission.createdDate,
    comment: submission.comment,
    email: submission.email,
    device_model: submission.deviceModel,
    os_version: submission.osVersion,
    locale: submission.locale,
    time_zone: submission.timeZone,
    architecture: submission.architecture,
    connection_type: submission.connectionType,
    paired_apple_watch: submission.pairedAppleWatch,
    app_uptime_in_milliseconds: submission.appUptimeInMilliseconds,
    disk_bytes_available: submission.diskBytesAvailable,
    disk_bytes_total: submission.diskBytesTotal,
    battery_percentage: submission.batteryPercentage,
    screen_width_in_points: submission.screenWidthInPoints,
    screen_height_in_points: submission.screenHeightInPoints,
    app_platform: submission.appPlatform,
    device_platform: submission.devicePlatform,
    device_family: submission.deviceFamily,
    build_bundle_id: submission.buildBundleId,
    event_id: submission.eventId,
  };
}

export async function findScreenshotFeedback(
  db: Kysely<Database>,
  id: string,
): Promise<ScreenshotFeedbackRecord | undefined> {
  const row = await db
    .selectFrom('beta_feedback_screenshot_submissions')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirst();
  return row && toScreenshotFeedback(row);
}

/** An app's screenshot submissions, ordered by id. */
export async function listScreenshotFeedback(
  db: Kysely<Database>,
  appId: string,
  window: RowWindow,
): Promise<ScreenshotFeedbackRecord[]> {
  const rows = await applyWindow(
    db.selectFrom('beta_feedback_screenshot_submissions').selectAll().where('app_id', '=', appId),
    'id',
    window,
  ).execute();
  return rows.map(toScreenshotFeedback);
}

export async function findCrashFeedback(
  db: Kysely<Database>,
  id: string,
): Promise<CrashFeedbackWithLog | undefined> {
  const [found] = await withLogs(
    db,
    await db.selectFrom('beta_feedback_crash_submissions').selectAll().where('id', '=', id).execute(),
  );
  return found;
}

/** An app's crash submissions with their logs, ordered by id. */
export async function listCrashFeedback(
  db: Kysely<Database>,
  appId: string,
  window: RowWindow,
): Promise<CrashFeedbackWithLog[]> {
  const rows = await applyWindow(
    db.selectFrom('beta_feedback_crash_submissions').selectAll().where('app_id', '=', appId),
    'id',
    window,
  ).execute();
  return withLogs(db, rows);
}

async function withLogs(
  db: Kysely<Database>,
  rows: ReadonlyArray<Selectable<BetaFeedbackCrashSubmissionsTable>>,
): Promise<CrashFeedbackWithLog[]> {
  const logIds = rows.flatMap((row) => (row.crash_log_id === null ? [] : [row.crash_log_id]));
  const logs = new Map<string, CrashLogRecord>();
  if (logIds.length > 0) {
    const found = await db.selectFrom('beta_crash_logs').selectAll().where('id', 'in', logIds).execute();
    for (const log of found) logs.set(log.id, { id: log.id, appId: log.app_id, logText: log.log_text });
  }
  return rows.map((row) => ({
    ...toSubmission(row),
    crashLogId: row.crash_log_id,
    crashLog: row.crash_log_id === null ? null : (logs.get(row.crash_log_id) ?? null),
  }));
}

export function toScreenshotFeedback(
  row: Selectable<BetaFeedbackScreenshotSubmissionsTable>,
): ScreenshotFeedbackRecord {
  return { ...toSubmission(row), screenshots: JSON.parse(row.screenshots) as SubmissionScreenshot[] };
}

export function toSubmission(
  row: Selectable<BetaFeedbackScreenshotSubmissionsTable> | Selectable<BetaFeedbackCrashSubmissionsTable>,
): FeedbackSubmissionRecord {
  return {
    id: row.id,
    appId: row.app_id,
    buildId: row.build_id,
    testerId: row.tester_id,
    createdDate: row.created_date,
    comment: row.comment,
    email: row.email,
    deviceModel: row.device_model,
    osVersion: row.os_version,
    locale: row.locale,
    timeZone: row.time_zone,
    architecture: row.architecture,
    connectionType: row.connection_type as FeedbackSubmissionRecord['connectionType'],
    pairedAppleWatch: row.paired_apple_watch,
    appUptimeInMilliseconds: fromCounter(row.app_uptime_in_milliseconds),
    diskBytesAvailable: fromCounter(row.disk_bytes_available),
    diskBytesTotal: fromCounter(row.disk_bytes_total),
    batteryPercentage: fromCounter(row.battery_percentage),
    screenWidthInPoints: fromCounter(row.screen_width_in_points),
    screenHeightInPoints: fromCounter(row.screen_height_in_points),
    appPlatform: row.app_platform as FeedbackSubmissionRecord['appPlatform'],
    devicePlatform: row.device_platform as FeedbackSubmissionRecord['devicePlatform'],
    deviceFamily: row.device_family as FeedbackSubmissionRecord['deviceFamily'],
    buildBundleId: row.build_bundle_id,
    eventId: row.event_id,
  };
}
