import type { InsertObject, Kysely } from 'kysely';
import { sql } from '../kysely.js';
import type { Database } from '../schema.js';
import type { AppendResult, UsageEventRecord } from '../../domain/records/usage-event-record.js';
import { isPublicLinkEventType } from '../../domain/usage-event.js';
import { raiseDataVersions } from './data-versions.js';
import { insertEventSubmissions } from './event-submissions.js';
import { fixedInserts, type RowsPerStatement } from './fixed-inserts.js';
import { addIngestCounts } from './ingestion.js';
import { markInstalled } from './installs.js';
import { addToPublicLinkRollup } from './public-link-rollup.js';
import { createUnknownBuilds } from './unknown-builds.js';
import { addToRollups, upsertBuildDaily } from './usage-rollups.js';

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
  rowsPerStatement: RowsPerStatement,
): Promise<AppendResult[]> {
  const events = batches.flat();
  // Each event's key made once, read by every step below by the event's place in `events`.
  const keys = events.map(eventKey);
  /** Each id's first place in `events`: the one event of the id that may be accepted. */
  const firstPlace = new Map<string, number>();
  keys.forEach((key, i) => {
    if (!firstPlace.has(key)) firstPlace.set(key, i);
  });
  // Sorted (code unit order, the engine's own comparison), so concurrent batches lock the rows they share in
  // the same order (no deadlocks between them).
  const candidateKeys = [...firstPlace.keys()].sort();
  const candidates = candidateKeys.map((key) => events[firstPlace.get(key) as number] as UsageEventRecord);

  const inserted = await insertNew(
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
    firstPlace,
    rowsPerStatement,
  );
  const accepted =
    inserted === firstPlace
      ? candidates
      : candidates.filter((_, i) => inserted.has(candidateKeys[i] as string));
  await createUnknownBuilds(db, accepted, maxParameters);
  await insertEventSubmissions(db, accepted, maxParameters);
  // A public link's viewer is not necessarily a tester: those events have their own rollup and make nobody
  // INSTALLED (docs/apple-behavior.md, §11).
  const ofTesters = accepted.filter((event) => !isPublicLinkEventType(event.type));
  const perBuild = await addToRollups(db, ofTesters, rowsPerStatement);
  const listingsChanged = await markInstalled(db, ofTesters, rowsPerStatement);
  await addToPublicLinkRollup(db, accepted, rowsPerStatement);
  // The rows every batch of an app writes (its build's day, its counters, its data version) last: on PostgreSQL
  // the app's concurrent batches wait for each other from the first of these rows until their commit.
  await upsertBuildDaily(db, perBuild, rowsPerStatement);
  // An id is accepted at its first place if inserted, a duplicate at every other (in a later batch, or repeated).
  const acceptedAt = keys.map((key, i) => firstPlace.get(key) === i && inserted.has(key));
  await countPerApp(db, events, acceptedAt);
  // An app whose events made nobody newly INSTALLED lists the same testers: its listing version stays (0014).
  const appIds = new Set(accepted.map((event) => event.appId));
  await raiseDataVersions(db, appIds, new Set([...appIds].filter((appId) => !listingsChanged.has(appId))));
  let place = 0;
  return batches.map((batch) => {
    let acceptedHere = 0;
    for (let i = 0; i < batch.length; i++, place++) if (acceptedAt[place]) acceptedHere++;
    return { accepted: acceptedHere, duplicates: batch.length - acceptedHere };
  });
}

/** Each app's ingestion counters gain its accepted and duplicate events (a repeat within the batch included). */
async function countPerApp(
  db: Kysely<Database>,
  events: readonly UsageEventRecord[],
  acceptedAt: readonly boolean[],
) {
  const perApp = new Map<
    string,
    { accepted: number; duplicates: number; rejected: number; refused_batches: number }
  >();
  events.forEach((event, i) => {
    let counts = perApp.get(event.appId);
    if (counts === undefined) {
      counts = { accepted: 0, duplicates: 0, rejected: 0, refused_batches: 0 };
      perApp.set(event.appId, counts);
    }
    if (acceptedAt[i]) counts.accepted++;
    else counts.duplicates++;
  });
  for (const [appId, counts] of perApp) await addIngestCounts(db, appId, counts);
}

/** An event's identity: its id within its app. */
function eventKey(event: { appId: string; id: string }): string {
  return `${event.appId}\u0000${event.id}`;
}

/**
 * Inserts the events whose id is not stored yet; the keys of those it inserted: `candidates` itself (keyed by
 * eventKey) when it inserted every one, as a batch nearly always does. Only when some were stored already are
 * they inserted again, after a rollback to a savepoint, by a statement that returns the rows it inserted: on
 * SQLite, `returning` made each row's insert cost three times as much (3.8 against 12 us a row, 64 rows a
 * statement, in process: SQLite runs a returning clause as a trigger of the statement) (BENCHMARKS.md, "What
 * made the difference").
 */
async function insertNew(
  db: Kysely<Database>,
  rows: InsertObject<Database, 'usage_events'>[],
  candidates: ReadonlyMap<string, number>,
  rowsPerStatement: RowsPerStatement,
): Promise<ReadonlySet<string> | ReadonlyMap<string, number>> {
  await sql`savepoint new_events`.execute(db);
  const { changed } = await insertEvents(db, rows, rowsPerStatement);
  if (changed === rows.length) {
    await sql`release new_events`.execute(db);
    return candidates;
  }
  await sql`rollback to new_events`.execute(db);
  await sql`release new_events`.execute(db);
  const { rows: returned } = await insertEventsReturning(db, rows, rowsPerStatement);
  return new Set(returned.map((row) => eventKey({ appId: row.app_id, id: row.id })));
}

const newEvents = (db: Kysely<Database>, rows: InsertObject<Database, 'usage_events'>[]) =>
  db
    .insertInto('usage_events')
    .values(rows)
    .onConflict((conflict) => conflict.columns(['app_id', 'id']).doNothing());
const insertEvents = fixedInserts(newEvents);
const insertEventsReturning = fixedInserts((db, rows: InsertObject<Database, 'usage_events'>[]) =>
  newEvents(db, rows).returning(['app_id', 'id']),
);
