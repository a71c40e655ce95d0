import type { Kysely } from 'kysely';
import type { ReleasedBlob } from '../content-bytes.js';
import type { Database } from '../schema.js';
import { unlinkScreenshots } from './content.js';
import { raiseDataVersions } from './data-versions.js';
import { retractEvents } from './retract-usage.js';
import { chunksFor } from './row-window.js';

/** Submissions to delete, of either kind, by id. */
export interface SubmissionIds {
  readonly screenshots: readonly string[];
  readonly crashes: readonly string[];
}

/** What deleteSubmissions deleted. */
export interface DeletedSubmissions {
  readonly screenshots: number;
  readonly crashes: number;
  /** The blobs no submission names any more, deleted with their rows: their bytes are the backend's to go. */
  readonly released: readonly ReleasedBlob[];
}

/**
 * Deletes submissions with everything that is theirs alone (docs/feedback-content.md, "Lifecycle"): the links to
 * their screenshots and the blobs no other submission of the app names, their crash logs unless another
 * submission names the same log, and, with `retract`, the events they came from (retract-usage.ts). Raises the
 * data version of every app touched. Inside the caller's write transaction.
 */
export async function deleteSubmissions(
  db: Kysely<Database>,
  ids: SubmissionIds,
  retract: boolean,
): Promise<DeletedSubmissions> {
  const released: ReleasedBlob[] = [];
  const apps = new Set<string>();
  const events: Array<{ appId: string; id: string }> = [];
  let screenshots = 0;
  let crashes = 0;
  for (const chunk of chunksFor(ids.screenshots, 1, 10_000)) {
    // The links first: they name the submissions.
    const unlinked = await unlinkScreenshots(db, chunk);
    const rows = await db
      .deleteFrom('beta_feedback_screenshot_submissions')
      .where('id', 'in', chunk)
      .returning(['app_id', 'event_id'])
      .execute();
    released.push(...unlinked);
    screenshots += rows.length;
    for (const row of rows) {
      apps.add(row.app_id);
      if (row.event_id !== null) events.push({ appId: row.app_id, id: row.event_id });
    }
  }
  for (const chunk of chunksFor(ids.crashes, 1, 10_000)) {
    const rows = await db
      .deleteFrom('beta_feedback_crash_submissions')
      .where('id', 'in', chunk)
      .returning(['app_id', 'event_id', 'crash_log_id'])
      .execute();
    crashes += rows.length;
    const logs = rows.flatMap((row) => (row.crash_log_id === null ? [] : [row.crash_log_id]));
    if (logs.length > 0) {
      await db
        .deleteFrom('beta_crash_logs')
        .where('id', 'in', logs)
        .where(({ not, exists, selectFrom }) =>
          not(
            exists(
              selectFrom('beta_feedback_crash_submissions as other')
                .select('other.id')
                .whereRef('other.crash_log_id', '=', 'beta_crash_logs.id'),
            ),
          ),
        )
        .execute();
    }
    for (const row of rows) {
      apps.add(row.app_id);
      if (row.event_id !== null) events.push({ appId: row.app_id, id: row.event_id });
    }
  }
  if (retract) await retractEvents(db, events);
  await raiseDataVersions(db, apps);
  return { screenshots, crashes, released };
}

/** The ids of the submissions of either kind matching `where` (a tester's, those older than a date). */
export async function submissionIdsWhere(
  db: Kysely<Database>,
  where: { readonly testerId?: string; readonly fromEventsBefore?: string },
  limit: number,
): Promise<SubmissionIds> {
  const idsOf = async (table: 'beta_feedback_screenshot_submissions' | 'beta_feedback_crash_submissions') => {
    let query = db.selectFrom(table).select('id');
    if (where.testerId !== undefined) query = query.where('tester_id', '=', where.testerId);
    if (where.fromEventsBefore !== undefined)
      query = query.where('event_id', 'is not', null).where('created_date', '<', where.fromEventsBefore);
    return (await query.orderBy('id').limit(limit).execute()).map((row) => row.id);
  };
  return {
    screenshots: await idsOf('beta_feedback_screenshot_submissions'),
    crashes: await idsOf('beta_feedback_crash_submissions'),
  };
}
