import type { Kysely } from 'kysely';
import type { DashboardTokenRecord } from '../../domain/records/dashboard-token.js';
import type { Database } from '../schema.js';

export async function insertLoginLink(db: Kysely<Database>, link: DashboardTokenRecord): Promise<void> {
  await db.deleteFrom('dashboard_login_links').where('expires_at', '<=', link.createdAt).execute();
  await db
    .insertInto('dashboard_login_links')
    .values({ token_hash: link.tokenHash, created_at: link.createdAt, expires_at: link.expiresAt })
    .execute();
}

/**
 * The caller wraps this in one write transaction. The link is deleted whether or not it was still valid, and
 * by a DELETE that returns what it deleted: of two transactions racing for one link, the second finds nothing
 * left to delete (PostgreSQL makes it wait for the first's row lock; SQLite runs one writer at a time).
 */
export async function exchangeLoginLink(
  db: Kysely<Database>,
  linkHash: string,
  session: DashboardTokenRecord,
): Promise<boolean> {
  const spent = await db
    .deleteFrom('dashboard_login_links')
    .where('token_hash', '=', linkHash)
    .returning('expires_at')
    .executeTakeFirst();
  if (spent === undefined || spent.expires_at <= session.createdAt) return false;
  await db.deleteFrom('dashboard_sessions').where('expires_at', '<=', session.createdAt).execute();
  await db
    .insertInto('dashboard_sessions')
    .values({ token_hash: session.tokenHash, created_at: session.createdAt, expires_at: session.expiresAt })
    .execute();
  return true;
}

export async function findSession(
  db: Kysely<Database>,
  tokenHash: string,
  at: string,
): Promise<DashboardTokenRecord | undefined> {
  const row = await db
    .selectFrom('dashboard_sessions')
    .select(['token_hash', 'created_at', 'expires_at'])
    .where('token_hash', '=', tokenHash)
    .where('expires_at', '>', at)
    .executeTakeFirst();
  return row === undefined
    ? undefined
    : { tokenHash: row.token_hash, createdAt: row.created_at, expiresAt: row.expires_at };
}

export async function endSession(db: Kysely<Database>, tokenHash: string): Promise<void> {
  await db.deleteFrom('dashboard_sessions').where('token_hash', '=', tokenHash).execute();
}
