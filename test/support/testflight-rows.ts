import type { Kysely } from 'kysely';
import type { Database } from '../../src/storage/schema.js';
import type { Store } from '../../src/storage/store.js';

/*
 * Rows of migration 0008's tables and columns that the store does not write yet (pre-release versions and the
 * builds in them, a group's public link), written straight into a store's tables for tests of the reads. Tests
 * only: the product writes them through the store.
 */

export interface PreReleaseVersionRow {
  readonly id: string;
  readonly appId: string;
  /** CFBundleShortVersionString, e.g. `1.5`. */
  readonly version: string;
  readonly platform: 'IOS' | 'MAC_OS' | 'TV_OS' | 'VISION_OS';
}

/** Stores a pre-release version and puts the builds `buildIds` (already stored) in it. */
export async function addPreReleaseVersion(
  store: Store,
  version: PreReleaseVersionRow,
  buildIds: readonly string[],
): Promise<void> {
  const db = kyselyOf(store);
  await db
    .insertInto('pre_release_versions')
    .values({ id: version.id, app_id: version.appId, version: version.version, platform: version.platform })
    .execute();
  if (buildIds.length > 0)
    await db
      .updateTable('builds')
      .set({ pre_release_version_id: version.id })
      .where('id', 'in', [...buildIds])
      .execute();
}

/** Turns on the public link of the (stored) group `groupId`. */
export async function enablePublicLink(store: Store, groupId: string): Promise<void> {
  await kyselyOf(store)
    .updateTable('beta_groups')
    .set({ public_link_enabled: 1, public_link_id: `link-${groupId}` })
    .where('id', '=', groupId)
    .execute();
}

/** The Kysely handle of the one Store implementation (storage/kysely-store.ts keeps it as `db`). */
function kyselyOf(store: Store): Kysely<Database> {
  const db = (store as unknown as { readonly db?: Kysely<Database> }).db;
  if (db === undefined) throw new Error('not a store over Kysely: write these rows another way');
  return db;
}
