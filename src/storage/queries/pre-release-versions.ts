import type { Kysely } from 'kysely';
import type { PreReleaseVersionRecord } from '../../domain/records/pre-release-version.js';
import type { RowWindow } from '../../domain/row-window.js';
import type { Database } from '../schema.js';
import { requireApp } from './references.js';
import { applyWindow } from './row-window.js';

/** Writes a pre-release version of an existing app; the caller translates a taken (app, platform, version). */
export async function insertPreReleaseVersion(
  db: Kysely<Database>,
  version: PreReleaseVersionRecord,
): Promise<void> {
  await requireApp(db, version.appId);
  await db
    .insertInto('pre_release_versions')
    .values({ id: version.id, app_id: version.appId, version: version.version, platform: version.platform })
    .execute();
}

export async function findPreReleaseVersion(
  db: Kysely<Database>,
  id: string,
): Promise<PreReleaseVersionRecord | undefined> {
  const row = await db.selectFrom('pre_release_versions').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toRecord(row);
}

/** An app's pre-release versions, ordered by id. */
export async function listPreReleaseVersions(
  db: Kysely<Database>,
  appId: string,
  window: RowWindow,
): Promise<PreReleaseVersionRecord[]> {
  const rows = await applyWindow(
    db.selectFrom('pre_release_versions').selectAll().where('app_id', '=', appId),
    'id',
    window,
  ).execute();
  return rows.map(toRecord);
}

function toRecord(row: { id: string; app_id: string; version: string; platform: string }) {
  return {
    id: row.id,
    appId: row.app_id,
    version: row.version,
    platform: row.platform as PreReleaseVersionRecord['platform'],
  };
}
