import type { Kysely, SqlBool } from 'kysely';
import { sql } from '../kysely.js';
import type { CalendarDay } from '../../domain/calendar-day.js';
import type { RowWindow } from '../../domain/row-window.js';
import type { BuildUsageValues, PublicLinkCounts, UsageValues } from '../../domain/usage-values.js';
import type { Database } from '../schema.js';
import type { AppVersion, BuildVersion } from '../usage-store.js';
import { applyWindow, toCount } from './row-window.js';
import { windowSums } from './window-sums.js';

/**
 * What the sibling metrics endpoints read (docs/apple-behavior.md, §7) besides the app's own (usage.ts): the
 * freshness of a group, a build or a tester's apps, a tester's usage per app, a build's usage and invitations,
 * a group's public link. Every read names its app, so each one stays on one app's rows.
 */

export async function groupDataVersion(
  db: Kysely<Database>,
  groupId: string,
): Promise<AppVersion | undefined> {
  const row = await db
    .selectFrom('beta_groups')
    .leftJoin('app_data_versions', 'app_data_versions.app_id', 'beta_groups.app_id')
    .select(['beta_groups.app_id', 'app_data_versions.version'])
    .where('beta_groups.id', '=', groupId)
    .executeTakeFirst();
  return row === undefined ? undefined : { appId: row.app_id, version: String(row.version ?? 0) };
}

export async function buildDataVersion(
  db: Kysely<Database>,
  buildId: string,
): Promise<BuildVersion | undefined> {
  const row = await db
    .selectFrom('builds')
    .leftJoin('app_data_versions', 'app_data_versions.app_id', 'builds.app_id')
    .select(['builds.app_id', 'builds.version as build_number', 'app_data_versions.version'])
    .where('builds.id', '=', buildId)
    .executeTakeFirst();
  return row === undefined
    ? undefined
    : { appId: row.app_id, buildNumber: row.build_number, version: String(row.version ?? 0) };
}

export async function testerAppDataVersions(
  db: Kysely<Database>,
  testerId: string,
  appIds: readonly string[],
): Promise<Map<string, string> | undefined> {
  const tester = await db
    .selectFrom('beta_testers')
    .select('id')
    .where('id', '=', testerId)
    .executeTakeFirst();
  if (tester === undefined) return undefined;
  const versions = new Map<string, string>();
  if (appIds.length === 0) return versions;
  const rows = await db
    .selectFrom('apps')
    .leftJoin('app_data_versions', 'app_data_versions.app_id', 'apps.id')
    .select(['apps.id', 'app_data_versions.version'])
    .where('apps.id', 'in', [...new Set(appIds)])
    .execute();
  for (const row of rows) versions.set(row.id, String(row.version ?? 0));
  return versions;
}

function installedApps(db: Kysely<Database>, testerId: string, appIds: readonly string[]) {
  return db
    .selectFrom('app_testers')
    .where('tester_id', '=', testerId)
    .where('app_id', 'in', [...new Set(appIds)])
    .where('installed_at', 'is not', null);
}

export async function listInstalledAppIds(
  db: Kysely<Database>,
  testerId: string,
  appIds: readonly string[],
  window: RowWindow,
): Promise<string[]> {
  if (appIds.length === 0) return [];
  const rows = await applyWindow(
    installedApps(db, testerId, appIds).select('app_id'),
    'app_id',
    window,
  ).execute();
  return rows.map((row) => row.app_id);
}

export async function countInstalledApps(
  db: Kysely<Database>,
  testerId: string,
  appIds: readonly string[],
): Promise<number> {
  if (appIds.length === 0) return 0;
  const row = await installedApps(db, testerId, appIds)
    .select((eb) => eb.fn.countAll().as('n'))
    .executeTakeFirst();
  return toCount(row?.n);
}

/** Per app, the tester's sums as the app's endpoint sums them (window-sums.ts): one statement per app. */
export async function sumUsageByApp(
  db: Kysely<Database>,
  testerId: string,
  appIds: readonly string[],
  firstDay: CalendarDay,
  lastDay: CalendarDay,
): Promise<Map<string, UsageValues>> {
  const sums = new Map<string, UsageValues>();
  for (const appId of appIds) {
    const [row] = await windowSums(db, appId, firstDay, lastDay, {
      testers: (column) => sql<SqlBool>`${sql.ref(column)} = ${testerId}`,
    }).execute();
    if (row === undefined) continue;
    const values = {
      crashCount: toCount(row.crashes),
      sessionCount: toCount(row.sessions),
      feedbackCount: toCount(row.feedback),
    };
    if (values.crashCount === 0 && values.sessionCount === 0 && values.feedbackCount === 0) continue;
    sums.set(appId, values);
  }
  return sums;
}

/**
 * A build's usage from the rollup of its number per day (usage_build_daily, 0009), and its invitations:
 * the distinct testers given the build individually and the members of the groups that have it
 * (docs/apple-behavior.md, §11).
 */
export async function sumBuildUsage(
  db: Kysely<Database>,
  build: { readonly buildId: string; readonly appId: string; readonly buildNumber: string },
  firstDay: CalendarDay,
  lastDay: CalendarDay,
): Promise<BuildUsageValues> {
  const usage = await db
    .selectFrom('usage_build_daily')
    .select((eb) => [
      eb.fn.sum<number>('install_count').as('installs'),
      eb.fn.sum<number>('session_count').as('sessions'),
      eb.fn.sum<number>('crash_count').as('crashes'),
      eb.fn.sum<number>('feedback_count').as('feedback'),
    ])
    .where('app_id', '=', build.appId)
    .where('build', '=', build.buildNumber)
    .where('day', '>=', firstDay)
    .where('day', '<=', lastDay)
    .executeTakeFirst();
  const invited = db
    .selectFrom('build_individual_testers')
    .select('tester_id')
    .where('build_id', '=', build.buildId)
    .union(
      db
        .selectFrom('beta_group_testers')
        .select('beta_group_testers.tester_id')
        .where('group_id', 'in', (eb) =>
          eb.selectFrom('beta_group_builds').select('group_id').where('build_id', '=', build.buildId),
        ),
    );
  const invites = await db
    .selectFrom(invited.as('invited'))
    .select((eb) => eb.fn.countAll().as('n'))
    .executeTakeFirst();
  return {
    crashCount: toCount(usage?.crashes),
    installCount: toCount(usage?.installs),
    sessionCount: toCount(usage?.sessions),
    feedbackCount: toCount(usage?.feedback),
    inviteCount: toCount(invites?.n),
  };
}

export async function sumPublicLinkUsage(
  db: Kysely<Database>,
  appId: string,
  groupId: string,
  firstDay: CalendarDay,
  lastDay: CalendarDay,
): Promise<PublicLinkCounts> {
  const sum = (column: string) => sql<number>`sum(${sql.ref(column)})`;
  const row = await db
    .selectFrom('public_link_daily')
    .select([
      sum('view_count').as('views'),
      sum('accept_count').as('accepts'),
      sum('decline_count').as('declines'),
      sum('not_relevant_count').as('not_relevant'),
      sum('not_clear_count').as('not_clear'),
      sum('not_interesting_count').as('not_interesting'),
      sum('criteria_not_met_count').as('criteria_not_met'),
    ])
    .where('app_id', '=', appId)
    .where('group_id', '=', groupId)
    .where('day', '>=', firstDay)
    .where('day', '<=', lastDay)
    .executeTakeFirst();
  return {
    views: toCount(row?.views),
    accepts: toCount(row?.accepts),
    declines: toCount(row?.declines),
    notRelevant: toCount(row?.not_relevant),
    notClear: toCount(row?.not_clear),
    notInteresting: toCount(row?.not_interesting),
    criteriaNotMet: toCount(row?.criteria_not_met),
  };
}
