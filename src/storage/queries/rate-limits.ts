import type { Kysely } from 'kysely';
import { sql } from '../kysely.js';
import type { Database } from '../schema.js';
import { toCount } from './row-window.js';

export async function requestsIn(db: Kysely<Database>, keyId: string, minute: number, windowMinutes: number) {
  const row = await db
    .selectFrom('rate_limit_counts')
    .select((eb) => eb.fn.sum<number>('count').as('used'))
    .where('key_id', '=', keyId)
    .where('minute', '>', minute - windowMinutes)
    .where('minute', '<=', minute)
    .executeTakeFirst();
  return toCount(row?.used);
}

/**
 * Increments first, then reads the total: the increment locks this minute's row, so requests of one key in
 * one minute are counted one group after the other, on every node. What passes the budget is taken back.
 */
export async function countRequests(
  db: Kysely<Database>,
  keyId: string,
  minute: number,
  windowMinutes: number,
  limit: number,
  requests: number,
): Promise<{ granted: number; used: number }> {
  await db
    .insertInto('rate_limit_counts')
    .values({ key_id: keyId, minute, count: requests })
    .onConflict((conflict) =>
      conflict
        .columns(['key_id', 'minute'])
        .doUpdateSet({ count: sql`rate_limit_counts.count + ${requests}` }),
    )
    .execute();
  const used = await requestsIn(db, keyId, minute, windowMinutes);
  const refused = Math.min(requests, Math.max(0, used - limit));
  if (refused === 0) return { granted: requests, used };
  await db
    .updateTable('rate_limit_counts')
    .set({ count: sql`count - ${refused}` })
    .where('key_id', '=', keyId)
    .where('minute', '=', minute)
    .execute();
  return { granted: requests - refused, used: used - refused };
}

export async function forgetRequestsBefore(db: Kysely<Database>, minute: number): Promise<void> {
  await db.deleteFrom('rate_limit_counts').where('minute', '<', minute).execute();
}
