import type { Kysely, Selectable } from 'kysely';
import type { Database } from '../schema.js';
import type { UsageEventsTable } from '../schema-usage.js';
import type { EventPosition, UsageEventRecord } from '../../domain/records/usage-event-record.js';
import { chunksFor } from './row-window.js';

/** The raw events themselves: read back for export, deleted past retention. Rollups live in usage.ts. */

export async function listUsageEvents(
  db: Kysely<Database>,
  appId: string,
  after: EventPosition | undefined,
  limit: number,
): Promise<UsageEventRecord[]> {
  let query = db.selectFrom('usage_events').selectAll().where('app_id', '=', appId);
  if (after !== undefined) {
    query = query.where((eb) =>
      eb.or([
        eb('occurred_at', '>', after.occurredAt),
        eb.and([eb('occurred_at', '=', after.occurredAt), eb('id', '>', after.id)]),
      ]),
    );
  }
  const rows = await query.orderBy('occurred_at').orderBy('id').limit(limit).execute();
  return rows.map(toEventRecord);
}

/** Which of the event ids `ids` app `appId` has stored (raw events are kept for the retention period). */
export async function storedEventIds(
  db: Kysely<Database>,
  appId: string,
  ids: readonly string[],
): Promise<Set<string>> {
  const stored = new Set<string>();
  for (const chunk of chunksFor([...new Set(ids)], 1, 10_000)) {
    const rows = await db
      .selectFrom('usage_events')
      .select('id')
      .where('app_id', '=', appId)
      .where('id', 'in', chunk)
      .execute();
    for (const row of rows) stored.add(row.id);
  }
  return stored;
}

/** Deletes up to `limit` raw events older than `before`, app by app (the app_id, occurred_at index serves). */
export async function pruneUsageEvents(db: Kysely<Database>, before: string, limit: number): Promise<number> {
  const apps = await db.selectFrom('apps').select('id').orderBy('id').execute();
  let deleted = 0;
  for (const { id: appId } of apps) {
    if (deleted >= limit) break;
    const result = await db
      .deleteFrom('usage_events')
      .where('app_id', '=', appId)
      .where('id', 'in', (eb) =>
        eb
          .selectFrom('usage_events')
          .select('id')
          .where('app_id', '=', appId)
          .where('occurred_at', '<', before)
          .limit(limit - deleted),
      )
      .executeTakeFirst();
    deleted += Number(result.numDeletedRows);
  }
  return deleted;
}

function toEventRecord(row: Selectable<UsageEventsTable>): UsageEventRecord {
  return {
    id: row.id,
    appId: row.app_id,
    testerId: row.tester_id,
    type: row.type as UsageEventRecord['type'],
    occurredAt: row.occurred_at,
    ...(row.build !== '' && { build: row.build }),
    ...(row.platform !== null && { platform: row.platform }),
    ...(row.device !== null && { device: row.device }),
    ...(row.os_version !== null && { osVersion: row.os_version }),
    ...(row.group_id !== null && { groupId: row.group_id }),
    ...(row.reason !== null && { reason: row.reason as NonNullable<UsageEventRecord['reason']> }),
    receivedAt: row.received_at,
  };
}
