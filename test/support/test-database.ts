import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { StoreLocation } from '../../src/storage/open-store.js';

/**
 * Where tests put their stores. `BETA_METRICS_TEST_BACKEND=postgres` (the vitest project "postgres") gives each
 * store its own schema in the test database, dropped afterwards; otherwise a temporary SQLite directory.
 */
export const TEST_DATABASE_URL =
  process.env.BETA_METRICS_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export function testBackend(): 'sqlite' | 'postgres' {
  return process.env.BETA_METRICS_TEST_BACKEND === 'postgres' ? 'postgres' : 'sqlite';
}

export interface TestStoreLocation {
  readonly location: StoreLocation;
  /** For the CLI: `--data-dir D` or `--database-url U`. */
  readonly cliArgs: string[];
  cleanup(): Promise<void>;
}

export async function testStoreLocation(): Promise<TestStoreLocation> {
  if (testBackend() === 'postgres') {
    const schema = await createTestSchema();
    return {
      location: { databaseUrl: schema.url, poolSize: 4 },
      cliArgs: ['--database-url', schema.url],
      cleanup: schema.drop,
    };
  }
  const dataDir = await mkdtemp(join(tmpdir(), 'beta-metrics-test-'));
  return {
    location: { dataDir },
    cliArgs: ['--data-dir', dataDir],
    cleanup: () => rm(dataDir, { recursive: true, force: true }),
  };
}

/** A fresh schema in the test database, and the URL whose connections use it. */
export async function createTestSchema(): Promise<{ schema: string; url: string; drop(): Promise<void> }> {
  const schema = `bm_test_${randomBytes(6).toString('hex')}`;
  await withClient((client) => client.query(`create schema ${schema}`));
  const url = `${TEST_DATABASE_URL}?options=${encodeURIComponent(`-c search_path=${schema} -c synchronous_commit=off`)}`;
  return {
    schema,
    url,
    drop: () =>
      withClient(async (client) => {
        await client.query(`drop schema if exists ${schema} cascade`);
        await dropSnapshotSchemas(client, schema);
      }),
  };
}

/** The snapshot schemas of the store in `schema` (storage/postgres/snapshots.ts): they go with it. */
async function dropSnapshotSchemas(client: pg.Client, schema: string): Promise<void> {
  const found = await client.query<{ name: string }>(
    `select nspname as name from pg_namespace
     where case when starts_with(nspname, 'bm_snapshot_')
       then obj_description(oid, 'pg_namespace')::jsonb ->> 'store' = $1 else false end`,
    [schema],
  );
  for (const { name } of found.rows) await client.query(`drop schema if exists "${name}" cascade`);
}

/** Whether the test database answers (within two seconds). */
export async function postgresReachable(): Promise<boolean> {
  try {
    await withClient((client) => client.query('select 1'));
    return true;
  } catch {
    return false;
  }
}

async function withClient<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL, connectionTimeoutMillis: 2_000 });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
