import type { InsertObject, Kysely } from 'kysely';
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
  const listingsChanged = await markInstalled(db, ofTesters, rowsPerStatement);
  await addToPublicLinkRollup(db, accepted, rowsPerStatement);
  // The rows every batch of an app writes (its build's day, its counters, its data version) last: on PostgreSQL
  // the app's concurrent batches wait for each other from the first of these rows until their commit.
  await upsertBuildDaily(db, perBuild, rowsPerStatement);
  await countPerApp(db, events, inserted);
  // An app whose events made nobody newly INSTALLED lists the same testers: its listing version stays (0014).
  const appIds = new Set(accepted.map((event) => event.appId));
  await raiseDataVersions(db, appIds, new Set([...appIds].filter((appId) => !listingsChanged.has(appId))));
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

const insertEvents = fixedInserts((db, rows: InsertObject<Database, 'usage_events'>[]) =>
  db
    .insertInto('usage_events')
    .values(rows)
    .onConflict((conflict) => conflict.columns(['app_id', 'id']).doNothing())
    .returning(['app_id', 'id']),
);
