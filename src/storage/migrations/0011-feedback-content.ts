import type { Kysely, Migration } from 'kysely';
import type { ColumnTypes } from '../backend-specifics.js';

/**
 * Feedback and crashes as content (docs/feedback-content.md, "Storage"):
 * - `content_blobs`, per app and SHA-256 of the bytes, an uploaded screenshot's media type, size in pixels,
 *   length and upload time; the bytes themselves are a file of the data directory (SQLite) or a large object
 *   whose oid is `large_object` (PostgreSQL; NULL on SQLite);
 * - `feedback_screenshot_contents`, the screenshots a submission names, in order: what keeps a blob while a
 *   submission names it, so counting a blob's references (and deleting the unnamed) is one indexed query;
 * - `event_id` on both submission tables: the event a submission came from (NULL for one an operator made),
 *   so deleting the submission retracts its event from the metrics.
 */
export function feedbackContentSchema(types: ColumnTypes): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('content_blobs')
        .addColumn('app_id', types.text, (c) => c.notNull().references('apps.id'))
        .addColumn('sha256', types.text, (c) => c.notNull())
        .addColumn('media_type', types.text, (c) => c.notNull())
        .addColumn('width', types.counter, (c) => c.notNull())
        .addColumn('height', types.counter, (c) => c.notNull())
        .addColumn('byte_length', types.counter, (c) => c.notNull())
        .addColumn('uploaded_at', types.text, (c) => c.notNull())
        .addColumn('large_object', types.counter)
        .addPrimaryKeyConstraint('content_blobs_pk', ['app_id', 'sha256'])
        .execute();
      // The hourly maintenance deletes uploads no submission names a day after they came.
      await db.schema
        .createIndex('content_blobs_uploaded')
        .on('content_blobs')
        .column('uploaded_at')
        .execute();
      // The embedded store keeps one file per SHA-256 for every app: it goes once no app's row names it.
      await db.schema.createIndex('content_blobs_by_sha256').on('content_blobs').column('sha256').execute();

      await db.schema
        .createTable('feedback_screenshot_contents')
        .addColumn('submission_id', types.text, (c) =>
          c.notNull().references('beta_feedback_screenshot_submissions.id'),
        )
        .addColumn('position', types.counter, (c) => c.notNull())
        .addColumn('app_id', types.text, (c) => c.notNull())
        .addColumn('sha256', types.text, (c) => c.notNull())
        .addPrimaryKeyConstraint('feedback_screenshot_contents_pk', ['submission_id', 'position'])
        .addForeignKeyConstraint('feedback_screenshot_contents_blob', ['app_id', 'sha256'], 'content_blobs', [
          'app_id',
          'sha256',
        ])
        .execute();
      await db.schema
        .createIndex('feedback_screenshot_contents_by_blob')
        .on('feedback_screenshot_contents')
        .columns(['app_id', 'sha256'])
        .execute();

      for (const table of ['beta_feedback_screenshot_submissions', 'beta_feedback_crash_submissions']) {
        await db.schema.alterTable(table).addColumn('event_id', types.text).execute();
      }
    },
  };
}
