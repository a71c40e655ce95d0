import type { Kysely } from 'kysely';
import { sql } from '../kysely.js';
import type { BackendSpecifics } from '../backend-specifics.js';
import type { Database } from '../schema.js';
import type { AppIngestStats, RejectionRecord } from '../../domain/records/ingestion-stats.js';
import type { IngestKeyRecord } from '../../domain/records/keys.js';
import { precompiled } from './precompiled.js';
import { chunksFor } from './row-window.js';

export async function insertIngestKey(db: Kysely<Database>, key: IngestKeyRecord & { keyHash: string }) {
  await db
    .insertInto('ingest_keys')
    .values({
      id: key.id,
      app_id: key.appId,
      key_hash: key.keyHash,
      created_at: key.createdAt,
      revoked_at: null,
    })
    .execute();
}

const selectIngestKey = precompiled((db: Kysely<Database>, keyHash: string) =>
  db.selectFrom('ingest_keys').selectAll().where('key_hash', '=', keyHash),
);

/** Read on every ingestion request, so precompiled. */
export async function findIngestKeyByHash(
  db: Kysely<Database>,
  keyHash: string,
): Promise<IngestKeyRecord | undefined> {
  const [row] = await selectIngestKey(db, keyHash);
  return row && { id: row.id, appId: row.app_id, createdAt: row.created_at, revokedAt: row.revoked_at };
}

export async function listIngestKeys(
  db: Kysely<Database>,
  appId: string | undefined,
): Promise<IngestKeyRecord[]> {
  let query = db.selectFrom('ingest_keys').selectAll().orderBy('created_at').orderBy('id');
  if (appId !== undefined) query = query.where('app_id', '=', appId);
  const rows = await query.execute();
  return rows.map((row) => ({
    id: row.id,
    appId: row.app_id,
    createdAt: row.created_at,
    revokedAt: row.revoked_at,
  }));
}

export async function revokeIngestKey(db: Kysely<Database>, id: string, at: string): Promise<boolean> {
  const result = await db
    .updateTable('ingest_keys')
    .set({ revoked_at: at })
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Adds to an app's counters (creating them at zero first). */
export async function addIngestCounts(
  db: Kysely<Database>,
  appId: string,
  counts: { accepted: number; duplicates: number; rejected: number; refused_batches: number },
): Promise<void> {
  await db
    .insertInto('ingest_stats')
    .values({ app_id: appId, ...counts })
    .onConflict((conflict) =>
      conflict.column('app_id').doUpdateSet({
        accepted: sql`ingest_stats.accepted + excluded.accepted`,
        duplicates: sql`ingest_stats.duplicates + excluded.duplicates`,
        rejected: sql`ingest_stats.rejected + excluded.rejected`,
        refused_batches: sql`ingest_stats.refused_batches + excluded.refused_batches`,
      }),
    )
    .execute();
}

export async function addRejections(
  db: Kysely<Database>,
  appId: string,
  rejections: readonly RejectionRecord[],
) {
  const byReason = new Map<string, { count: number; lastDetail: string; lastAt: string }>();
  for (const rejection of rejections) {
    const known = byReason.get(rejection.reason);
    byReason.set(rejection.reason, {
      count: (known?.count ?? 0) + 1,
      lastDetail: rejection.detail,
      lastAt: rejection.at,
    });
  }
  for (const [reason, { count, lastDetail, lastAt }] of byReason) {
    await db
      .insertInto('ingest_rejections')
      .values({ app_id: appId, reason, count, last_at: lastAt, last_detail: lastDetail })
      .onConflict((conflict) =>
        conflict.columns(['app_id', 'reason']).doUpdateSet({
          count: sql`ingest_rejections.count + excluded.count`,
          last_at: sql`excluded.last_at`,
          last_detail: sql`excluded.last_detail`,
        }),
      )
      .execute();
  }
}

export async function readIngestStats(db: Kysely<Database>): Promise<AppIngestStats[]> {
  const counters = await db.selectFrom('ingest_stats').selectAll().orderBy('app_id').execute();
  const reasons = await db
    .selectFrom('ingest_rejections')
    .selectAll()
    .orderBy('app_id')
    .orderBy('count', 'desc')
    .orderBy('reason')
    .execute();
  return counters.map((row) => ({
    appId: row.app_id,
    accepted: Number(row.accepted),
    duplicates: Number(row.duplicates),
    rejected: Number(row.rejected),
    refusedBatches: Number(row.refused_batches),
    reasons: reasons
      .filter((reason) => reason.app_id === row.app_id)
      .map((reason) => ({
        reason: reason.reason,
        count: Number(reason.count),
        lastAt: reason.last_at,
        lastDetail: reason.last_detail,
      })),
  }));
}

/**
 * Which of `testerIds` are testers of `appId` (in any state). With the backend's `oneOf` (ingestion's check,
 * a batch's thousand testers) the ids are one parameter: a statement of the same text whatever their number,
 * instead of one Kysely builds, compiles and the database prepares and binds anew for each batch.
 */
export async function testersOfApp(
  db: Kysely<Database>,
  appId: string,
  testerIds: readonly string[],
  oneOf?: BackendSpecifics['oneOf'],
) {
  const members = new Set<string>();
  for (const chunk of chunksFor([...new Set(testerIds)], 1, 10_000)) {
    const rows = await db
      .selectFrom('app_testers')
      .select('tester_id')
      .where('app_id', '=', appId)
      .where((eb) => (oneOf === undefined ? eb('tester_id', 'in', chunk) : oneOf('tester_id', chunk)))
      .execute();
    for (const row of rows) members.add(row.tester_id);
  }
  return members;
}

/** Which of `groupIds` are beta groups of `appId` (public-link events name their group). */
export async function betaGroupsOfApp(db: Kysely<Database>, appId: string, groupIds: readonly string[]) {
  const groups = new Set<string>();
  for (const chunk of chunksFor([...new Set(groupIds)], 1, 10_000)) {
    const rows = await db
      .selectFrom('beta_groups')
      .select('id')
      .where('app_id', '=', appId)
      .where('id', 'in', chunk)
      .execute();
    for (const row of rows) groups.add(row.id);
  }
  return groups;
}
