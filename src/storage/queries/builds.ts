import type { Kysely, Selectable, Updateable } from 'kysely';
import {
  type BuildBetaDetailRecord,
  type BuildChanges,
  type BuildRecord,
  type BuildWithDetails,
  defaultBetaDetail,
  type ImageAsset,
  type NewBuildRecord,
  withBuildDefaults,
} from '../../domain/records/build.js';
import type { RowWindow } from '../../domain/row-window.js';
import type { BuildBetaDetailsTable, BuildsTable, Database } from '../schema.js';
import { raiseDataVersions } from './data-versions.js';
import { grantBetaAccess } from './group-links.js';
import { appOf, requireApp, requireOfApp } from './references.js';
import { applyWindow, chunksFor } from './row-window.js';
import { flag, fromFlag, fromJson, fromNullableFlag, jsonOrNull } from './stored-values.js';

/** What a build is written with besides its attributes. */
export interface BuildExtras {
  /** Its beta detail; what is left out follows the build's processing state (defaultBetaDetail). */
  readonly betaDetail?: Partial<BuildBetaDetailRecord>;
  /** Testers of the app given the build individually. */
  readonly individualTesterIds?: readonly string[];
}

/**
 * Writes a build with its beta detail (under the build's id) and its individual testers; the caller's
 * transaction makes it all or none. StoreReferenceError when the app, the pre-release version (of that app) or
 * a tester (of that app) does not exist.
 */
export async function insertBuild(
  db: Kysely<Database>,
  input: NewBuildRecord,
  extras: BuildExtras,
  maxParameters: number,
): Promise<void> {
  const build = withBuildDefaults(input);
  await requireApp(db, build.appId);
  if (build.preReleaseVersionId !== null) {
    await requireOfApp(db, 'pre_release_versions', 'pre-release version', build.appId, [
      build.preReleaseVersionId,
    ]);
  }
  await db
    .insertInto('builds')
    .values({
      id: build.id,
      app_id: build.appId,
      version: build.version,
      uploaded_at: build.uploadedAt,
      ...buildColumns(build),
    })
    .execute();
  const detail = { ...defaultBetaDetail(build.processingState), ...extras.betaDetail };
  await db
    .insertInto('build_beta_details')
    .values({
      id: build.id,
      build_id: build.id,
      auto_notify_enabled: flag(detail.autoNotifyEnabled),
      internal_build_state: detail.internalBuildState,
      external_build_state: detail.externalBuildState,
    })
    .execute();
  await grantBetaAccess(db, individually(build.id, extras.individualTesterIds), undefined, maxParameters);
  // A new build changes what the builds' metrics and the dashboard answer: kept answers retire.
  await raiseDataVersions(db, [build.appId]);
}

/**
 * Changes a build's attributes and beta detail. StoreReferenceError when there is no such build, or the
 * pre-release version it names is not one of the build's app.
 */
export async function updateBuild(
  db: Kysely<Database>,
  id: string,
  changes: BuildChanges,
  betaDetail: Partial<BuildBetaDetailRecord> = {},
): Promise<void> {
  const appId = await appOf(db, 'builds', 'build', id);
  if (changes.preReleaseVersionId !== undefined && changes.preReleaseVersionId !== null) {
    await requireOfApp(db, 'pre_release_versions', 'pre-release version', appId, [
      changes.preReleaseVersionId,
    ]);
  }
  const columns = buildColumns(changes);
  if (Object.keys(columns).length > 0)
    await db.updateTable('builds').set(columns).where('id', '=', id).execute();
  const detail = Object.fromEntries(
    Object.entries({
      auto_notify_enabled: flag(betaDetail.autoNotifyEnabled),
      internal_build_state: betaDetail.internalBuildState,
      external_build_state: betaDetail.externalBuildState,
    }).filter(([, value]) => value !== undefined),
  );
  if (Object.keys(detail).length > 0)
    await db.updateTable('build_beta_details').set(detail).where('build_id', '=', id).execute();
  // Every write of an app's resources retires its kept answers (docs/architecture.md, "Data versions").
  await raiseDataVersions(db, [appId]);
}

/** Gives testers of the build's app the build individually; a tester who has it already is a conflict. */
export async function addIndividualTesters(
  db: Kysely<Database>,
  buildId: string,
  testerIds: readonly string[],
  maxParameters: number,
): Promise<void> {
  await appOf(db, 'builds', 'build', buildId);
  await grantBetaAccess(db, individually(buildId, testerIds), undefined, maxParameters);
}

function individually(buildId: string, testerIds: readonly string[] = []) {
  return { buildTesters: testerIds.map((testerId) => ({ buildId, testerId })) };
}

function buildColumns(build: BuildChanges): Updateable<BuildsTable> {
  const columns: Updateable<BuildsTable> = {
    pre_release_version_id: build.preReleaseVersionId,
    expiration_date: build.expirationDate,
    expired: flag(build.expired),
    min_os_version: build.minOsVersion,
    ls_minimum_system_version: build.lsMinimumSystemVersion,
    computed_min_mac_os_version: build.computedMinMacOsVersion,
    computed_min_vision_os_version: build.computedMinVisionOsVersion,
    icon_asset_token: jsonOrNull(build.iconAssetToken),
    processing_state: build.processingState,
    build_audience_type: build.buildAudienceType,
    uses_non_exempt_encryption: flag(build.usesNonExemptEncryption),
  };
  return Object.fromEntries(Object.entries(columns).filter(([, value]) => value !== undefined));
}

export async function findBuild(db: Kysely<Database>, id: string): Promise<BuildWithDetails | undefined> {
  const rows = await withDetails(db).where('builds.id', '=', id).execute();
  const [build] = await withTesters(db, rows);
  return build;
}

/** An app's builds with their beta details and individual testers, ordered by id. */
export async function listBuilds(
  db: Kysely<Database>,
  appId: string,
  window: RowWindow,
): Promise<BuildWithDetails[]> {
  const rows = await applyWindow(
    withDetails(db).where('builds.app_id', '=', appId),
    'builds.id',
    window,
  ).execute();
  return withTesters(db, rows);
}

/** Which of the build numbers `versions` app `appId` has builds of: one indexed read (builds_app_version). */
export async function knownBuildVersions(
  db: Kysely<Database>,
  appId: string,
  versions: readonly string[],
): Promise<Set<string>> {
  const known = new Set<string>();
  for (const chunk of chunksFor([...new Set(versions)], 1, 10_000)) {
    const rows = await db
      .selectFrom('builds')
      .select('version')
      .where('app_id', '=', appId)
      .where('version', 'in', chunk)
      .execute();
    for (const row of rows) known.add(row.version);
  }
  return known;
}

/** Which of the build numbers `versions` of app `appId` are of expired builds (one indexed read per 10,000). */
export async function expiredBuildVersions(
  db: Kysely<Database>,
  appId: string,
  versions: readonly string[],
): Promise<Map<string, string | null>> {
  const expired = new Map<string, string | null>();
  for (const chunk of chunksFor([...new Set(versions)], 1, 10_000)) {
    const rows = await db
      .selectFrom('builds')
      .select(['version', 'expiration_date'])
      .where('app_id', '=', appId)
      .where('version', 'in', chunk)
      .where('expired', '=', 1)
      .execute();
    for (const row of rows) expired.set(row.version, row.expiration_date);
  }
  return expired;
}

function withDetails(db: Kysely<Database>) {
  return db
    .selectFrom('builds')
    .leftJoin('build_beta_details', 'build_beta_details.build_id', 'builds.id')
    .selectAll('builds')
    .select([
      'build_beta_details.auto_notify_enabled',
      'build_beta_details.internal_build_state',
      'build_beta_details.external_build_state',
    ]);
}

type DetailedRow = Selectable<BuildsTable> & {
  [K in 'auto_notify_enabled' | 'internal_build_state' | 'external_build_state']:
    | Selectable<BuildBetaDetailsTable>[K]
    | null;
};

async function withTesters(db: Kysely<Database>, rows: readonly DetailedRow[]): Promise<BuildWithDetails[]> {
  if (rows.length === 0) return [];
  const testers = await db
    .selectFrom('build_individual_testers')
    .select(['build_id', 'tester_id'])
    .where(
      'build_id',
      'in',
      rows.map((row) => row.id),
    )
    .orderBy('tester_id')
    .execute();
  const byBuild = new Map<string, string[]>();
  for (const { build_id, tester_id } of testers)
    byBuild.set(build_id, [...(byBuild.get(build_id) ?? []), tester_id]);
  return rows.map((row) => {
    const build = toBuildRecord(row);
    const fallback = defaultBetaDetail(build.processingState);
    return {
      ...build,
      betaDetail: {
        autoNotifyEnabled:
          row.auto_notify_enabled === null ? fallback.autoNotifyEnabled : fromFlag(row.auto_notify_enabled),
        internalBuildState: (row.internal_build_state ??
          fallback.internalBuildState) as BuildBetaDetailRecord['internalBuildState'],
        externalBuildState: (row.external_build_state ??
          fallback.externalBuildState) as BuildBetaDetailRecord['externalBuildState'],
      },
      individualTesterIds: byBuild.get(row.id) ?? [],
    };
  });
}

export function toBuildRecord(row: Selectable<BuildsTable>): BuildRecord {
  return {
    id: row.id,
    appId: row.app_id,
    version: row.version,
    uploadedAt: row.uploaded_at,
    preReleaseVersionId: row.pre_release_version_id,
    expirationDate: row.expiration_date,
    expired: fromFlag(row.expired),
    minOsVersion: row.min_os_version,
    lsMinimumSystemVersion: row.ls_minimum_system_version,
    computedMinMacOsVersion: row.computed_min_mac_os_version,
    computedMinVisionOsVersion: row.computed_min_vision_os_version,
    iconAssetToken: fromJson<ImageAsset>(row.icon_asset_token),
    processingState: row.processing_state as BuildRecord['processingState'],
    buildAudienceType: row.build_audience_type as BuildRecord['buildAudienceType'],
    usesNonExemptEncryption: fromNullableFlag(row.uses_non_exempt_encryption),
  };
}
