import type { Kysely } from 'kysely';
import type { CalendarDay } from '../../domain/calendar-day.js';
import type { BuildUsage, BuildUsageReport, BuildUsageRow } from '../../domain/records/build-usage.js';
import type { Database } from '../schema.js';
import { toCount } from './row-window.js';

/**
 * The dashboard's builds page: each build of an app with its usage over a window. The monthly rollups keep
 * builds together, so the window is read from the daily rollups alone, through their index by app and day
 * (migration 0006): one row per tester, day and build of the window, grouped by build in the database.
 */
export async function listBuildUsage(
  db: Kysely<Database>,
  appId: string,
  firstDay: CalendarDay,
  lastDay: CalendarDay,
): Promise<BuildUsageReport> {
  const usage = await buildUsageQuery(db, appId, firstDay, lastDay).execute();
  const builds = await db
    .selectFrom('builds as b')
    .leftJoin('pre_release_versions as p', 'p.id', 'b.pre_release_version_id')
    .select(['b.id', 'b.version', 'b.uploaded_at', 'p.version as pre_release', 'p.platform'])
    .where('b.app_id', '=', appId)
    .orderBy('b.uploaded_at', 'desc')
    .orderBy('b.id', 'desc')
    .execute();
  const byNumber = new Map(usage.map((row) => [row.build, row]));
  const rows: BuildUsageRow[] = builds.map((build) => {
    const used = byNumber.get(build.version);
    byNumber.delete(build.version);
    return {
      buildId: build.id,
      number: build.version,
      uploadedAt: build.uploaded_at,
      preRelease:
        build.pre_release === null || build.platform === null
          ? null
          : { version: build.pre_release, platform: build.platform },
      ...toBuildUsage(used),
    };
  });
  if (byNumber.size === 0) return { builds: rows, unmatched: undefined };
  // A tester may have used several unknown numbers: their testers are counted once, in the database.
  const unmatched = await db
    .selectFrom('usage_daily')
    .select((eb) => [
      eb.fn.count('tester_id').distinct().as('testers'),
      eb.fn.sum<number>('session_count').as('sessions'),
      eb.fn.sum<number>('crash_count').as('crashes'),
      eb.fn.sum<number>('feedback_count').as('feedback'),
    ])
    .where('app_id', '=', appId)
    .where('day', '>=', firstDay)
    .where('day', '<=', lastDay)
    .where('build', 'not in', (eb) => eb.selectFrom('builds').select('version').where('app_id', '=', appId))
    .executeTakeFirst();
  return {
    builds: rows,
    unmatched: {
      ...toBuildUsage(unmatched),
      numbers: [...byNumber.keys()].sort(),
    },
  };
}

/** Per build number of the app's events over the window: distinct testers and the sums. */
export function buildUsageQuery(
  db: Kysely<Database>,
  appId: string,
  firstDay: CalendarDay,
  lastDay: CalendarDay,
) {
  return db
    .selectFrom('usage_daily')
    .select((eb) => [
      'build',
      eb.fn.count('tester_id').distinct().as('testers'),
      eb.fn.sum<number>('session_count').as('sessions'),
      eb.fn.sum<number>('crash_count').as('crashes'),
      eb.fn.sum<number>('feedback_count').as('feedback'),
    ])
    .where('app_id', '=', appId)
    .where('day', '>=', firstDay)
    .where('day', '<=', lastDay)
    .groupBy('build');
}

function toBuildUsage(
  row: { testers: unknown; sessions: unknown; crashes: unknown; feedback: unknown } | undefined,
): BuildUsage {
  return {
    testers: toCount(row?.testers),
    values: {
      crashCount: toCount(row?.crashes),
      sessionCount: toCount(row?.sessions),
      feedbackCount: toCount(row?.feedback),
    },
  };
}
