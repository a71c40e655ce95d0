import { type ExpressionBuilder, type Kysely, sql } from 'kysely';
import type { CalendarDay } from '../../domain/calendar-day.js';
import { type UsageValues, zeroUsage } from '../../domain/usage-values.js';
import type { Database } from '../schema.js';
import type { AppendResult, InstalledTesterFilter, RowWindow, UsageEventRecord } from '../store.js';
import { addIngestCounts } from './ingestion.js';
import { precompiled } from './precompiled.js';
import { applyWindow, chunksFor, toCount } from './row-window.js';
import { type DayRange, splitByMonths } from '../../domain/month-split.js';

export async function listInstalledTesterIds(
  db: Kysely<Database>,
  appId: string,
  filter: InstalledTesterFilter,
  window: RowWindow,
): Promise<string[]> {
  const rows = await applyWindow(
    installed(db, appId, filter).select('tester_id'),
    'tester_id',
    window,
  ).execute();
  return rows.map((row) => row.tester_id);
}

export async function countInstalledTesters(
  db: Kysely<Database>,
  appId: string,
  filter: InstalledTesterFilter,
): Promise<number> {
  const row = await installedTestersCountQuery(db, appId, filter).executeTakeFirst();
  return toCount(row?.n);
}

function installed(db: Kysely<Database>, appId: string, filter: InstalledTesterFilter) {
  let query = db.selectFrom('app_testers').where('app_id', '=', appId).where('installed_at', 'is not', null);
  if (filter.testerId !== undefined) query = query.where('tester_id', '=', filter.testerId);
  return query;
}

/** The query of `meta.paging.total`: the app's installed testers, from their memberships alone. */
export function installedTestersCountQuery(
  db: Kysely<Database>,
  appId: string,
  filter: InstalledTesterFilter,
) {
  return installed(db, appId, filter).select((eb) => eb.fn.countAll().as('n'));
}

/**
 * Usage per tester over `firstDay`..`lastDay`, as domain/month-split.ts reads it: months from the monthly
 * rollup, plus or minus runs of days from the daily one, each run one range query (an OR of ranges would make
 * the database read every day of each tester). A year is about a dozen monthly rows and at most about a month
 * of daily rows per tester, whatever the builds.
 */
export async function sumUsageByTester(
  db: Kysely<Database>,
  appId: string,
  testerIds: readonly string[],
  firstDay: CalendarDay,
  lastDay: CalendarDay,
): Promise<Map<string, UsageValues>> {
  const sums = new Map<string, UsageValues>();
  if (testerIds.length === 0) return sums;
  const split = splitByMonths(firstDay, lastDay);
  const ids = [...testerIds];
  const add = (rows: readonly SummedRow[], sign: 1 | -1) => {
    for (const row of rows) {
      const known = sums.get(row.tester_id) ?? zeroUsage();
      known.crashCount += sign * toCount(row.crashes);
      known.sessionCount += sign * toCount(row.sessions);
      known.feedbackCount += sign * toCount(row.feedback);
      sums.set(row.tester_id, known);
    }
  };
  if (split.months !== undefined) {
    add(
      await db
        .selectFrom('usage_monthly')
        .select(SUMS)
        .where('app_id', '=', appId)
        .where('tester_id', 'in', ids)
        .where('month', '>=', split.months.first)
        .where('month', '<=', split.months.last)
        .groupBy('tester_id')
        .execute(),
      1,
    );
  }
  const days = ([first, last]: DayRange) =>
    db
      .selectFrom('usage_daily')
      .select(SUMS)
      .where('app_id', '=', appId)
      .where('tester_id', 'in', ids)
      .where('day', '>=', first)
      .where('day', '<=', last)
      .groupBy('tester_id')
      .execute();
  for (const range of split.plus) add(await days(range), 1);
  for (const range of split.minus) add(await days(range), -1);
  // A tester whose only usage in the months lies outside the window sums to zero: as absent as one without any.
  for (const [testerId, values] of sums) {
    if (values.crashCount === 0 && values.sessionCount === 0 && values.feedbackCount === 0)
      sums.delete(testerId);
  }
  return sums;
}

interface SummedRow {
  tester_id: string;
  crashes: unknown;
  sessions: unknown;
  feedback: unknown;
}

const SUMS = (eb: ExpressionBuilder<Database, 'usage_daily' | 'usage_monthly'>) => [
  eb.ref('tester_id').as('tester_id'),
  eb.fn.sum<number>('crash_count').as('crashes'),
  eb.fn.sum<number>('session_count').as('sessions'),
  eb.fn.sum<number>('feedback_count').as('feedback'),
];

const selectDataVersion = precompiled((db: Kysely<Database>, appId: string) =>
  db
    .selectFrom('apps')
    .leftJoin('app_data_versions', 'app_data_versions.app_id', 'apps.id')
    .select(['apps.id', 'app_data_versions.version'])
    .where('apps.id', '=', appId),
);

/** The app's data version (app_data_versions), or undefined when there is no such app. Read on every request. */
export async function appDataVersion(db: Kysely<Database>, appId: string): Promise<string | undefined> {
  const [row] = await selectDataVersion(db, appId);
  return row === undefined ? undefined : String(row.version ?? 0);
}

/** Raises the data version of each app (sorted, so concurrent writers lock them in the same order). */
export async function raiseDataVersions(db: Kysely<Database>, appIds: Iterable<string>): Promise<void> {
  for (const appId of [...new Set(appIds)].sort()) {
    await db
      .insertInto('app_data_versions')
      .values({ app_id: appId, version: 1 })
      .onConflict((conflict) =>
        conflict.column('app_id').doUpdateSet({ version: sql`app_data_versions.version + 1` }),
      )
      .execute();
  }
}

/**
 * The write path of ingestion; the caller wraps it in one write transaction. Events whose id is already stored
 * (or repeats within the batch) are skipped by the primary key itself, so two overlapping batches racing each
 * other still count every event once.
 */
export async function appendUsageEvents(
  db: Kysely<Database>,
  events: readonly UsageEventRecord[],
  maxParameters: number,
): Promise<AppendResult> {
  const [result] = await appendUsageEventBatches(db, [events], maxParameters);
  return result ?? { accepted: 0, duplicates: 0 };
}

/**
 * Several batches in one transaction (a group commit), each answered as if written alone after the ones
 * before it: an id is accepted in the first batch that has it and a duplicate in every later one.
 */
export async function appendUsageEventBatches(
  db: Kysely<Database>,
  batches: ReadonlyArray<readonly UsageEventRecord[]>,
  maxParameters: number,
): Promise<AppendResult[]> {
  const events = batches.flat();
  const firstOfEachId = new Map<string, UsageEventRecord>();
  for (const event of events) {
    const key = eventKey(event);
    if (!firstOfEachId.has(key)) firstOfEachId.set(key, event);
  }
  // Sorted, so concurrent batches lock the rows they share in the same order (no deadlocks between them).
  const candidates = [...firstOfEachId.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([, event]) => event);

  const inserted = new Set<string>();
  for (const chunk of chunksFor(candidates, 11, maxParameters)) {
    const rows = await db
      .insertInto('usage_events')
      .values(
        chunk.map((event) => ({
          id: event.id,
          app_id: event.appId,
          tester_id: event.testerId,
          type: event.type,
          occurred_at: event.occurredAt,
          day: event.occurredAt.slice(0, 10),
          build: event.build ?? '',
          platform: event.platform ?? null,
          device: event.device ?? null,
          os_version: event.osVersion ?? null,
          received_at: event.receivedAt,
        })),
      )
      .onConflict((conflict) => conflict.columns(['app_id', 'id']).doNothing())
      .returning(['app_id', 'id'])
      .execute();
    for (const row of rows) inserted.add(eventKey({ appId: row.app_id, id: row.id }));
  }
  const accepted = candidates.filter((event) => inserted.has(eventKey(event)));
  await addToRollups(db, accepted, maxParameters);
  await markInstalled(db, accepted, maxParameters);
  await countPerApp(db, events, inserted);
  await raiseDataVersions(
    db,
    accepted.map((event) => event.appId),
  );
  const answered = new Set<string>();
  return batches.map((batch) => {
    let acceptedHere = 0;
    for (const event of batch) {
      const key = eventKey(event);
      if (inserted.has(key) && !answered.has(key)) acceptedHere++;
      answered.add(key);
    }
    return { accepted: acceptedHere, duplicates: batch.length - acceptedHere };
  });
}

/** Each app's ingestion counters gain its accepted and duplicate events (a repeat within the batch included). */
async function countPerApp(db: Kysely<Database>, events: readonly UsageEventRecord[], inserted: Set<string>) {
  const perApp = new Map<
    string,
    { accepted: number; duplicates: number; rejected: number; refused_batches: number }
  >();
  const counted = new Set<string>();
  for (const event of events) {
    const key = eventKey(event);
    const counts = perApp.get(event.appId) ?? { accepted: 0, duplicates: 0, rejected: 0, refused_batches: 0 };
    if (inserted.has(key) && !counted.has(key)) counts.accepted++;
    else counts.duplicates++;
    counted.add(key);
    perApp.set(event.appId, counts);
  }
  for (const [appId, counts] of perApp) await addIngestCounts(db, appId, counts);
}

/** An event's identity: its id within its app. */
function eventKey(event: { appId: string; id: string }): string {
  return `${event.appId}\u0000${event.id}`;
}

async function addToRollups(
  db: Kysely<Database>,
  events: readonly UsageEventRecord[],
  maxParameters: number,
) {
  const rollups = new Map<
    string,
    { app_id: string; tester_id: string; day: string; build: string } & Record<CountColumn, number>
  >();
  for (const event of events) {
    const day = event.occurredAt.slice(0, 10);
    const build = event.build ?? '';
    const key = `${event.appId}\u0000${event.testerId}\u0000${day}\u0000${build}`;
    let rollup = rollups.get(key);
    if (rollup === undefined) {
      rollup = {
        app_id: event.appId,
        tester_id: event.testerId,
        day,
        build,
        install_count: 0,
        session_count: 0,
        crash_count: 0,
        feedback_count: 0,
      };
      rollups.set(key, rollup);
    }
    rollup[COUNT_COLUMN[event.type]] += 1;
  }
  const sorted = [...rollups.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, rollup]) => rollup);
  await addToMonthlyRollups(db, sorted, maxParameters);
  for (const chunk of chunksFor(sorted, 8, maxParameters)) {
    await db
      .insertInto('usage_daily')
      .values(chunk)
      .onConflict((conflict) =>
        conflict.columns(['app_id', 'tester_id', 'day', 'build']).doUpdateSet({
          install_count: sql`usage_daily.install_count + excluded.install_count`,
          session_count: sql`usage_daily.session_count + excluded.session_count`,
          crash_count: sql`usage_daily.crash_count + excluded.crash_count`,
          feedback_count: sql`usage_daily.feedback_count + excluded.feedback_count`,
        }),
      )
      .execute();
  }
}

/** The same counts per tester and month, builds together: what long windows read (sumUsageByTester). */
async function addToMonthlyRollups(
  db: Kysely<Database>,
  daily: ReadonlyArray<{ app_id: string; tester_id: string; day: string } & Record<CountColumn, number>>,
  maxParameters: number,
) {
  const months = new Map<
    string,
    { app_id: string; tester_id: string; month: string } & Record<CountColumn, number>
  >();
  for (const rollup of daily) {
    const month = rollup.day.slice(0, 7);
    const key = `${rollup.app_id}\u0000${rollup.tester_id}\u0000${month}`;
    const known = months.get(key);
    if (known === undefined) {
      months.set(key, {
        app_id: rollup.app_id,
        tester_id: rollup.tester_id,
        month,
        install_count: rollup.install_count,
        session_count: rollup.session_count,
        crash_count: rollup.crash_count,
        feedback_count: rollup.feedback_count,
      });
      continue;
    }
    for (const column of COUNT_COLUMNS) known[column] += rollup[column];
  }
  const sorted = [...months.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, rollup]) => rollup);
  for (const chunk of chunksFor(sorted, 7, maxParameters)) {
    await db
      .insertInto('usage_monthly')
      .values(chunk)
      .onConflict((conflict) =>
        conflict.columns(['app_id', 'tester_id', 'month']).doUpdateSet({
          install_count: sql`usage_monthly.install_count + excluded.install_count`,
          session_count: sql`usage_monthly.session_count + excluded.session_count`,
          crash_count: sql`usage_monthly.crash_count + excluded.crash_count`,
          feedback_count: sql`usage_monthly.feedback_count + excluded.feedback_count`,
        }),
      )
      .execute();
  }
}

/** Any event means the tester has the app: a session implies an install (ingestion issue, item 1). */
async function markInstalled(
  db: Kysely<Database>,
  events: readonly UsageEventRecord[],
  maxParameters: number,
) {
  const earliest = new Map<string, { app_id: string; tester_id: string; at: string }>();
  for (const event of events) {
    const key = `${event.appId}\u0000${event.testerId}`;
    const known = earliest.get(key);
    if (known === undefined || event.occurredAt < known.at) {
      earliest.set(key, { app_id: event.appId, tester_id: event.testerId, at: event.occurredAt });
    }
  }
  const rows = [...earliest.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([, { app_id, tester_id, at }]) => ({
      app_id,
      tester_id,
      state: 'INSTALLED',
      invited_at: at,
      installed_at: at,
    }));
  for (const chunk of chunksFor(rows, 5, maxParameters)) {
    await db
      .insertInto('app_testers')
      .values(chunk)
      .onConflict((conflict) =>
        conflict
          .columns(['app_id', 'tester_id'])
          .doUpdateSet({
            // A revoked tester stays revoked; their usage still counts.
            state: sql`case when app_testers.state = 'REVOKED' then 'REVOKED' else 'INSTALLED' end`,
            installed_at: sql`case when app_testers.installed_at is null or excluded.installed_at < app_testers.installed_at then excluded.installed_at else app_testers.installed_at end`,
          })
          // Most events come from testers installed long ago: leave their rows (and pages) untouched.
          .where((eb) =>
            eb.or([
              eb('app_testers.state', 'not in', ['INSTALLED', 'REVOKED']),
              eb('app_testers.installed_at', 'is', null),
              eb('app_testers.installed_at', '>', eb.ref('excluded.installed_at')),
            ]),
          ),
      )
      .execute();
  }
}

type CountColumn = 'install_count' | 'session_count' | 'crash_count' | 'feedback_count';
const COUNT_COLUMNS: readonly CountColumn[] = [
  'install_count',
  'session_count',
  'crash_count',
  'feedback_count',
];

const COUNT_COLUMN: Record<UsageEventRecord['type'], CountColumn> = {
  install: 'install_count',
  session: 'session_count',
  crash: 'crash_count',
  feedback: 'feedback_count',
};
