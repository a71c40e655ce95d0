import { sql } from '../kysely.js';
import type { ImageMediaType } from '../../domain/image-bytes.js';
import type { ContentBytes } from '../content-bytes.js';
import { contentRow, findContentRow } from '../queries/content.js';
import { requireApp } from '../queries/references.js';
import { postgresSpecifics } from './dialect.js';

/**
 * PostgreSQL's screenshot bytes: one large object per `content_blobs` row, its oid in `large_object`, made
 * (`lo_from_bytea`) and unlinked (`lo_unlink`) in the transaction of its row, so no row names a missing
 * object and no object outlives its row (docs/feedback-content.md, "Storage").
 */
export const postgresLargeObjects: ContentBytes = {
  async put(db, appId, content, bytes) {
    if ((await findContentRow(db, appId, content.sha256)) !== undefined) return 'existing';
    return postgresSpecifics.writeTransaction(db, async (trx) => {
      await requireApp(trx, appId);
      if ((await findContentRow(trx, appId, content.sha256)) !== undefined) return 'existing';
      const made = await sql<{ oid: number | string }>`select lo_from_bytea(0, ${Buffer.from(
        bytes.buffer,
        bytes.byteOffset,
        bytes.byteLength,
      )}) as oid`.execute(trx);
      const oid = made.rows[0]?.oid ?? null;
      const inserted = await trx
        .insertInto('content_blobs')
        .values(contentRow(appId, content, oid))
        .onConflict((conflict) => conflict.columns(['app_id', 'sha256']).doNothing())
        .returning('sha256')
        .executeTakeFirst();
      if (inserted !== undefined) return 'created';
      // Another upload of the same bytes committed first.
      await sql`select lo_unlink(${oid})`.execute(trx);
      return 'existing';
    });
  },

  async read(db, appId, sha256) {
    // One statement, so the row and its object are read in one snapshot.
    const row = await db
      .selectFrom('content_blobs')
      .select([
        'media_type',
        'width',
        'height',
        'byte_length',
        sql<Buffer | null>`lo_get(large_object)`.as('bytes'),
      ])
      .where('app_id', '=', appId)
      .where('sha256', '=', sha256)
      .executeTakeFirst();
    if (row === undefined || row.bytes === null) return undefined;
    return {
      mediaType: row.media_type as ImageMediaType,
      width: Number(row.width),
      height: Number(row.height),
      byteLength: Number(row.byte_length),
      bytes: row.bytes,
    };
  },

  async attach(trx, appId, sha256, bytes) {
    await trx
      .updateTable('content_blobs')
      .set({ large_object: sql<string>`lo_from_bytea(0, ${Buffer.from(bytes)})` })
      .where('app_id', '=', appId)
      .where('sha256', '=', sha256)
      .execute();
  },

  async releaseInTransaction(trx, released) {
    const oids = released.flatMap((blob) => (blob.largeObject === null ? [] : [String(blob.largeObject)]));
    if (oids.length === 0) return;
    // Only objects that exist: unlinking a missing one would fail the whole transaction.
    await sql`
      select lo_unlink(oid) from pg_largeobject_metadata where oid = any(${oids}::oid[])
    `.execute(trx);
  },

  releaseAfterCommit: async () => {},

  // A large object is made in the transaction of its row: a crash leaves neither.
  sweepOrphans: async () => 0,
};
