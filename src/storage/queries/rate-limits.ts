import { type Kysely, sql } from 'kysely';
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
 * one minute are counted one after the other, on every node. Over the budget, the increment is taken back.
 */
export async function countRequest(
  db: Kysely<Database>,
  keyId: string,
  minute: number,
  windowMinutes: number,
  limit: number,
): Promise<{ allowed: boolean; used: number }> {
  await db
    .insertInto('rate_limit_counts')
    .values({ key_id: keyId, minute, count: 1 })
    .onConflict((conflict) =>
      conflict.columns(['key_id', 'minute']).doUpdateSet({ count: sql`rate_limit_counts.count + 1` }),
    )
    .execute();
  const used = await requestsIn(db, keyId, minute, windowMinutes);
  if (used <= limit) return { allowed: true, used };
  await db
    .updateTable('rate_limit_counts')
    .set({ count: sql`count - 1` })
    .where('key_id', '=', keyId)
    .where('minute', '=', minute)
    .execute();
  return { allowed: false, used: used - 1 };
}

export async function forgetRequestsBefore(db: Kysely<Database>, minute: number): Promise<void> {
  await db.deleteFrom('rate_limit_counts').where('minute', '<', minute).execute();
}
