import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import type { StoreLocation } from '../../src/storage/open-store.js';

/**
 * Where a store keeps the bytes of its uploaded screenshots, looked at with the file system and the database's
 * own driver rather than the code under test: a file per SHA-256 (SQLite), a large object per row (PostgreSQL).
 */

/** A handle on each stored blob's bytes: a file's path, or a large object's oid. */
export async function bytesHandles(location: StoreLocation): Promise<string[]> {
  if ('databaseUrl' in location) {
    const client = new pg.Client({ connectionString: location.databaseUrl });
    await client.connect();
    try {
      const { rows } = await client.query<{ oid: string }>(
        'select large_object::text as oid from content_blobs order by 1',
      );
      return rows.map((row) => row.oid);
    } finally {
      await client.end();
    }
  }
  const db = new Database(join(resolve(location.dataDir), 'beta-metrics.db'), { readonly: true });
  try {
    const rows = db.prepare('select distinct sha256 from content_blobs order by 1').all() as Array<{
      sha256: string;
    }>;
    return rows.map((row) => join(resolve(location.dataDir), 'content', row.sha256.slice(0, 2), row.sha256));
  } finally {
    db.close();
  }
}

/** Of `handles` (bytesHandles), those whose bytes are still there. */
export async function stillThere(location: StoreLocation, handles: readonly string[]): Promise<string[]> {
  if (!('databaseUrl' in location)) return handles.filter((file) => existsSync(file));
  const client = new pg.Client({ connectionString: location.databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ oid: string }>(
      'select oid::text as oid from pg_largeobject_metadata where oid = any($1::oid[]) order by 1',
      [handles],
    );
    return rows.map((row) => row.oid);
  } finally {
    await client.end();
  }
}
