import type { InsertObject, Kysely, RawBuilder } from 'kysely';
import { sql } from '../kysely.js';
import type { Database } from '../schema.js';
import type { AppendResult, UsageEventRecord } from '../../domain/records/usage-event-record.js';
import { isPublicLinkEventType, type TesterEventType } from '../../domain/usage-event.js';
import { raiseDataVersions } from './data-versions.js';
import { insertEventSubmissions } from './event-submissions.js';
import { fixedInserts } from './fixed-inserts.js';
import { addIngestCounts } from './ingestion.js';
import { chunksFor } from './row-window.js';
import { createUnknownBuilds } from './unknown-builds.js';

/**
 * The write path of ingestion; the caller wraps it in one write transaction. Events whose id is already stored
 * (or repeats within the batch) are skipped by the primary key itself, so two overlapping batches racing each
 * other still count every event once. Several batches may go in one transaction (a group commit), each
 * answered as if written alone after the ones before it: an id is accepted in the first batch that has it and
 * a duplicate in every later one.
 */
export async function appendUsageEventBatches(
  db: Kysely<Database>,
  batches: ReadonlyArray<readonly UsageEventRecord[]>,
  maxParameters: number,
  rowsPerStatement: number,
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
  const rows = await insertEvents(
    db,
    candidates.map((event) => ({
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
      group_id: event.groupId ?? null,
      reason: event.reason ?? null,
    })),
    rowsPerStatement,
  );
  for (const row of rows) inserted.add(eventKey({ appId: row.app_id, id: row.id }));
  const accepted = candidates.filter((event) => inserted.has(eventKey(event)));
  await createUnknownBuilds(db, accepted, maxParameters);
  await insertEventSubmissions(db, accepted, maxParameters);
  // A public link's viewer is not necessarily a tester: those events have their own rollup and make nobody
  // INSTALLED (docs/apple-behavior.md, §11).
  const ofTesters = accepted.filter((event) => !isPublicLinkEventType(event.type));
  const perBuild = await addToRollups(db, ofTesters, rowsPerStatement);
  await markInstalled(db, ofTesters, rowsPerStatement);
  await addToPublicLinkRollup(db, accepted, maxParameters);
  // The rows every batch of an app writes (its build's day, its counters, its data version) last: on PostgreSQL
  // the app's concurrent batches wait for each other from the first of these rows until their commit.
  // Per build and day, testers together: what GET /v1/builds/{id}/metrics/betaBuildUsages reads (0009).
  await upsertBuildDaily(db, perBuild, rowsPerStatement);
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

/**
 * The events' counts added to the daily rollups (per tester, day and build) and to the monthly ones (per
 * tester and month, builds together: what long windows read, usage.ts sumUsageByTester); the sums per build
 * and day, for the caller to add to usage_build_daily.
 */
async function addToRollups(
  db: Kysely<Database>,
  events: readonly UsageEventRecord[],
  rowsPerStatement: number,
) {
  const daily = summedByKey(
    events.map((event) => ({
      app_id: event.appId,
      tester_id: event.testerId,
      day: event.occurredAt.slice(0, 10),
      build: event.build ?? '',
      ...countsOf(event.type),
    })),
    (row) => `${row.app_id}\u0000${row.tester_id}\u0000${row.day}\u0000${row.build}`,
  );
  const monthly = summedByKey(
    daily.map((row) => ({
      app_id: row.app_id,
      tester_id: row.tester_id,
      month: row.day.slice(0, 7),
      install_count: row.install_count,
      session_count: row.session_count,
      crash_count: row.crash_count,
      feedback_count: row.feedback_count,
    })),
    (row) => `${row.app_id}\u0000${row.tester_id}\u0000${row.month}`,
  );
  await upsertMonthly(db, monthly, rowsPerStatement);
  await upsertDaily(db, daily, rowsPerStatement);
  return summedByKey(
    daily.map((row) => ({
      app_id: row.app_id,
      build: row.build,
      day: row.day,
      install_count: row.install_count,
      session_count: row.session_count,
      crash_count: row.crash_count,
      feedback_count: row.feedback_count,
    })),
    (row) => `${row.app_id}\u0000${row.build}\u0000${row.day}`,
  );
}

const insertEvents = fixedInserts((db, rows: InsertObject<Database, 'usage_events'>[]) =>
  db
    .insertInto('usage_events')
    .values(rows)
    .onConflict((conflict) => conflict.columns(['app_id', 'id']).doNothing())
    .returning(['app_id', 'id']),
);
const upsertMonthly = fixedInserts((db, rows: InsertObject<Database, 'usage_monthly'>[]) =>
  db
    .insertInto('usage_monthly')
    .values(rows)
    .onConflict((conflict) =>
      conflict.columns(['app_id', 'tester_id', 'month']).doUpdateSet(addedCounts('usage_monthly')),
    ),
);
const upsertDaily = fixedInserts((db, rows: InsertObject<Database, 'usage_daily'>[]) =>
  db
    .insertInto('usage_daily')
    .values(rows)
    .onConflict((conflict) =>
      conflict.columns(['app_id', 'tester_id', 'day', 'build']).doUpdateSet(addedCounts('usage_daily')),
    ),
);
const upsertBuildDaily = fixedInserts((db, rows: InsertObject<Database, 'usage_build_daily'>[]) =>
  db
    .insertInto('usage_build_daily')
    .values(rows)
    .onConflict((conflict) =>
      conflict.columns(['app_id', 'build', 'day']).doUpdateSet(addedCounts('usage_build_daily')),
    ),
);

type Counts = Record<CountColumn, number>;

/**
 * Rows of the same key as one, their counts summed (into the first row of each key, which the caller made);
 * in key order, so concurrent writers lock the rows they share in the same order (no deadlocks between them).
 */
function summedByKey<Row extends Counts>(rows: readonly Row[], keyOf: (row: Row) => string): Row[] {
  const sums = new Map<string, Row>();
  for (const row of rows) {
    const key = keyOf(row);
    const known = sums.get(key);
    if (known === undefined) sums.set(key, row);
    else for (const column of COUNT_COLUMNS) known[column] += row[column];
  }
  return [...sums.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, row]) => row);
}

/** One event's counts: 1 in the column of its type (a tester's event: the caller left public-link ones out). */
function countsOf(type: UsageEventRecord['type']): Counts {
  const counts = { install_count: 0, session_count: 0, crash_count: 0, feedback_count: 0 };
  if (!isPublicLinkEventType(type)) counts[COUNT_COLUMN[type]] = 1;
  return counts;
}

type PublicLinkColumn =
  | 'view_count'
  | 'accept_count'
  | 'decline_count'
  | 'not_relevant_count'
  | 'not_clear_count'
  | 'not_interesting_count'
  | 'criteria_not_met_count';
const PUBLIC_LINK_COLUMNS: readonly PublicLinkColumn[] = [
  'view_count',
  'accept_count',
  'decline_count',
  'not_relevant_count',
  'not_clear_count',
  'not_interesting_count',
  'criteria_not_met_count',
];
const REASON_COLUMN: Record<NonNullable<UsageEventRecord['reason']>, PublicLinkColumn> = {
  notRelevant: 'not_relevant_count',
  notClear: 'not_clear_count',
  notInteresting: 'not_interesting_count',
};

/** The public-link events' counts added to `public_link_daily`, per app, group and UTC day (0009). */
async function addToPublicLinkRollup(
  db: Kysely<Database>,
  events: readonly UsageEventRecord[],
  maxParameters: number,
) {
  const sums = new Map<
    string,
    { app_id: string; group_id: string; day: string } & Record<PublicLinkColumn, number>
  >();
  for (const event of events) {
    if (!isPublicLinkEventType(event.type) || event.groupId === undefined) continue;
    const day = event.occurredAt.slice(0, 10);
    const key = `${event.appId}\u0000${event.groupId}\u0000${day}`;
    let row = sums.get(key);
    if (row === undefined) {
      row = {
        app_id: event.appId,
        group_id: event.groupId,
        day,
        view_count: 0,
        accept_count: 0,
        decline_count: 0,
        not_relevant_count: 0,
        not_clear_count: 0,
        not_interesting_count: 0,
        criteria_not_met_count: 0,
      };
      sums.set(key, row);
    }
    if (event.type === 'publicLinkView') row.view_count++;
    else if (event.type === 'publicLinkAccept') row.accept_count++;
    else if (event.type === 'publicLinkCriteriaNotMet') row.criteria_not_met_count++;
    else {
      row.decline_count++;
      if (event.reason !== undefined) row[REASON_COLUMN[event.reason]]++;
    }
  }
  // In key order, so concurrent writers lock the rows they share in the same order.
  const rows = [...sums.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, row]) => row);
  const added = (column: PublicLinkColumn) =>
    sql<number>`${sql.ref(`public_link_daily.${column}`)} + ${sql.ref(`excluded.${column}`)}`;
  for (const chunk of chunksFor(rows, 10, maxParameters)) {
    await db
      .insertInto('public_link_daily')
      .values(chunk)
      .onConflict((conflict) =>
        conflict
          .columns(['app_id', 'group_id', 'day'])
          .doUpdateSet(Object.fromEntries(PUBLIC_LINK_COLUMNS.map((column) => [column, added(column)]))),
      )
      .execute();
  }
}

/** An upsert's update of a rollup: the stored counts plus the new row's. */
function addedCounts(
  table: 'usage_daily' | 'usage_monthly' | 'usage_build_daily',
): Record<CountColumn, RawBuilder<number>> {
  const added = (column: CountColumn) =>
    sql<number>`${sql.ref(`${table}.${column}`)} + ${sql.ref(`excluded.${column}`)}`;
  return {
    install_count: added('install_count'),
    session_count: added('session_count'),
    crash_count: added('crash_count'),
    feedback_count: added('feedback_count'),
  };
}

/** Any event means the tester has the app: a session implies an install. */
async function markInstalled(
  db: Kysely<Database>,
  events: readonly UsageEventRecord[],
  rowsPerStatement: number,
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
  await upsertInstalled(db, rows, rowsPerStatement);
}

const upsertInstalled = fixedInserts((db, rows: InsertObject<Database, 'app_testers'>[]) =>
  db
    .insertInto('app_testers')
    .values(rows)
    .onConflict((conflict) =>
      conflict
        .columns(['app_id', 'tester_id'])
        .doUpdateSet({
          // A revoked tester stays revoked; their usage still counts.
          state: sql`case when app_testers.state = 'REVOKED' then 'REVOKED' else 'INSTALLED' end`,
          installed_at: sql`case when app_testers.installed_at is null or excluded.installed_at < app_testers.installed_at then excluded.installed_at else app_testers.installed_at end`,
        })
        // Most events come from testers installed long ago: leave their rows (and pages) untouched. (Literals,
        // not parameters: a fixed insert binds only its rows' values.)
        .where(
          sql<boolean>`app_testers.state not in ('INSTALLED', 'REVOKED') or app_testers.installed_at is null or app_testers.installed_at > excluded.installed_at`,
        ),
    ),
);

type CountColumn = 'install_count' | 'session_count' | 'crash_count' | 'feedback_count';
const COUNT_COLUMNS: readonly CountColumn[] = [
  'install_count',
  'session_count',
  'crash_count',
  'feedback_count',
];

const COUNT_COLUMN: Record<TesterEventType, CountColumn> = {
  install: 'install_count',
  session: 'session_count',
  crash: 'crash_count',
  feedback: 'feedback_count',
};
