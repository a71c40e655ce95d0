import type { Kysely, Selectable } from 'kysely';
import type { ApiKeysTable, Database } from '../schema.js';
import type { ApiKeyRecord } from '../../domain/records/keys.js';
import { precompiled } from './precompiled.js';

export async function insertApiKey(db: Kysely<Database>, key: ApiKeyRecord): Promise<void> {
  await db
    .insertInto('api_keys')
    .values({
      key_id: key.keyId,
      name: key.name,
      role: key.role,
      kind: key.kind,
      public_key: key.publicKey,
      created_at: key.createdAt,
      revoked_at: key.revokedAt,
      testing: key.testing ? 1 : 0,
    })
    .execute();
}

const selectApiKey = precompiled((db: Kysely<Database>, keyId: string) =>
  db.selectFrom('api_keys').selectAll().where('key_id', '=', keyId),
);

/** Read on every request (revocations apply at once), so precompiled. */
export async function findApiKey(db: Kysely<Database>, keyId: string): Promise<ApiKeyRecord | undefined> {
  const [row] = await selectApiKey(db, keyId);
  return row && toApiKeyRecord(row);
}

export async function listApiKeys(db: Kysely<Database>): Promise<ApiKeyRecord[]> {
  const rows = await db.selectFrom('api_keys').selectAll().orderBy('created_at').orderBy('key_id').execute();
  return rows.map(toApiKeyRecord);
}

export async function revokeApiKey(db: Kysely<Database>, keyId: string, at: string): Promise<boolean> {
  const result = await db
    .updateTable('api_keys')
    .set({ revoked_at: at })
    .where('key_id', '=', keyId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

function toApiKeyRecord(row: Selectable<ApiKeysTable>): ApiKeyRecord {
  return {
    keyId: row.key_id,
    name: row.name,
    role: row.role,
    kind: row.kind === 'INDIVIDUAL' ? 'INDIVIDUAL' : 'TEAM',
    publicKey: row.public_key,
    createdAt: row.created_at,
    revokedAt: row.revoked_at,
    // PostgreSQL and SQLite both read an integer column as a number.
    testing: Number(row.testing) === 1,
  };
}
