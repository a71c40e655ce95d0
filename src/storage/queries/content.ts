import type { Kysely, Selectable } from 'kysely';
import type { ImageMediaType } from '../../domain/image-bytes.js';
import type { ContentRecord } from '../../domain/records/content.js';
import type { ReleasedBlob } from '../content-bytes.js';
import type { Database } from '../schema.js';
import type { ContentBlobsTable } from '../schema-feedback.js';
import { chunksFor } from './row-window.js';

/** The queries of `content_blobs` and `feedback_screenshot_contents` both backends share (0011). */

export function contentRow(appId: string, content: ContentRecord, largeObject: number | string | null) {
  return {
    app_id: appId,
    sha256: content.sha256,
    media_type: content.mediaType,
    width: content.width,
    height: content.height,
    byte_length: content.byteLength,
    uploaded_at: content.uploadedAt,
    large_object: largeObject,
  };
}

export function toContentRecord(row: Selectable<ContentBlobsTable>): ContentRecord {
  return {
    sha256: row.sha256,
    mediaType: row.media_type as ImageMediaType,
    width: Number(row.width),
    height: Number(row.height),
    byteLength: Number(row.byte_length),
    uploadedAt: row.uploaded_at,
  };
}

export async function findContentRow(
  db: Kysely<Database>,
  appId: string,
  sha256: string,
): Promise<Selectable<ContentBlobsTable> | undefined> {
  return db
    .selectFrom('content_blobs')
    .selectAll()
    .where('app_id', '=', appId)
    .where('sha256', '=', sha256)
    .executeTakeFirst();
}

/** Which of `sha256s` the app has, with what each is. */
export async function findContents(
  db: Kysely<Database>,
  appId: string,
  sha256s: readonly string[],
): Promise<Map<string, ContentRecord>> {
  const found = new Map<string, ContentRecord>();
  for (const chunk of chunksFor([...new Set(sha256s)], 1, 10_000)) {
    const rows = await db
      .selectFrom('content_blobs')
      .selectAll()
      .where('app_id', '=', appId)
      .where('sha256', 'in', chunk)
      .execute();
    for (const row of rows) found.set(row.sha256, toContentRecord(row));
  }
  return found;
}

/** Links submission `submissionId` to the blobs it names, in their order. */
export async function linkScreenshots(
  db: Kysely<Database>,
  submissionId: string,
  appId: string,
  sha256s: readonly string[],
): Promise<void> {
  if (sha256s.length === 0) return;
  await db
    .insertInto('feedback_screenshot_contents')
    .values(
      sha256s.map((sha256, position) => ({ submission_id: submissionId, position, app_id: appId, sha256 })),
    )
    .execute();
}

/**
 * Deletes the links of the submissions `submissionIds`, then those of their blobs no other submission names;
 * the deleted blobs, for the backend to release their bytes (ContentBytes).
 */
export async function unlinkScreenshots(
  db: Kysely<Database>,
  submissionIds: readonly string[],
): Promise<ReleasedBlob[]> {
  if (submissionIds.length === 0) return [];
  const links = await db
    .deleteFrom('feedback_screenshot_contents')
    .where('submission_id', 'in', submissionIds)
    .returning(['app_id', 'sha256'])
    .execute();
  const released: ReleasedBlob[] = [];
  const perApp = new Map<string, Set<string>>();
  for (const link of links) perApp.set(link.app_id, (perApp.get(link.app_id) ?? new Set()).add(link.sha256));
  for (const [appId, sha256s] of perApp)
    released.push(...(await deleteUnnamedBlobs(db, appId, [...sha256s])));
  return released;
}

/** Deletes the blobs of `appId` among `sha256s` that no submission names; those it deleted. */
async function deleteUnnamedBlobs(
  db: Kysely<Database>,
  appId: string,
  sha256s: readonly string[],
): Promise<ReleasedBlob[]> {
  const released: ReleasedBlob[] = [];
  for (const chunk of chunksFor(sha256s, 1, 10_000)) {
    const rows = await db
      .deleteFrom('content_blobs')
      .where('app_id', '=', appId)
      .where('sha256', 'in', chunk)
      .where(({ not, exists, selectFrom }) =>
        not(
          exists(
            selectFrom('feedback_screenshot_contents as link')
              .select('link.position')
              .whereRef('link.app_id', '=', 'content_blobs.app_id')
              .whereRef('link.sha256', '=', 'content_blobs.sha256'),
          ),
        ),
      )
      .returning(['sha256', 'large_object'])
      .execute();
    for (const row of rows) released.push({ sha256: row.sha256, largeObject: row.large_object });
  }
  return released;
}

/** Deletes up to `limit` blobs uploaded before `before` that no submission names; those it deleted. */
export async function deleteUnnamedUploads(
  db: Kysely<Database>,
  before: string,
  limit: number,
): Promise<ReleasedBlob[]> {
  const unnamed = await db
    .selectFrom('content_blobs')
    .select(['app_id', 'sha256'])
    .where('uploaded_at', '<', before)
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('feedback_screenshot_contents as link')
            .select('link.position')
            .whereRef('link.app_id', '=', 'content_blobs.app_id')
            .whereRef('link.sha256', '=', 'content_blobs.sha256'),
        ),
      ),
    )
    .orderBy('uploaded_at')
    .limit(limit)
    .execute();
  const perApp = new Map<string, string[]>();
  for (const row of unnamed) perApp.set(row.app_id, [...(perApp.get(row.app_id) ?? []), row.sha256]);
  const released: ReleasedBlob[] = [];
  for (const [appId, sha256s] of perApp) released.push(...(await deleteUnnamedBlobs(db, appId, sha256s)));
  return released;
}
