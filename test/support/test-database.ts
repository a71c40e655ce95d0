import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { openStore, type StoreLocation } from '../../src/storage/open-store.js';

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

/**
 * Where a test's store goes. On PostgreSQL the schema already holds the latest migrations (made from a
 * template), unless `empty`: for tests of the migrations themselves.
 */
export async function testStoreLocation(options: { empty?: boolean } = {}): Promise<TestStoreLocation> {
  if (testBackend() === 'postgres') {
    const schema = options.empty ? await createTestSchema() : await createMigratedTestSchema();
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
        // Large objects belong to the database, not to a schema: a store's screenshots (0011) go first. A
        // schema without the table (an empty store, a failed migration) has none.
        await client
          .query(
            `select lo_unlink(oid) from pg_largeobject_metadata where oid in (select large_object from ${schema}.content_blobs)`,
          )
          .catch(() => {});
        await client.query(`drop schema if exists ${schema} cascade`);
        await dropSnapshotSchemas(client, schema);
      }),
  };
}

/**
 * A fresh schema holding a store migrated to the latest, made in one round trip from a dump of a template
 * schema instead of running every migration (270 ms a store on these machines, paid by every test that opens
 * one). The template is made once per set of migrations (its name hashes their source) and kept in the test
 * database; without pg_dump, the schema is made empty and the store migrates it when opened, as before.
 */
export async function createMigratedTestSchema(): Promise<{
  schema: string;
  url: string;
  drop(): Promise<void>;
}> {
  const script = await templateScript().catch(() => undefined);
  const made = await createTestSchema();
  if (script !== undefined) {
    await withClient((client) => client.query(script.replaceAll(TEMPLATE_MARK, made.schema)));
  }
  return made;
}

const TEMPLATE_MARK = '__bm_template_schema__';
let script: Promise<string> | undefined;

function templateScript(): Promise<string> {
  script ??= dumpTemplate();
  return script;
}

async function dumpTemplate(): Promise<string> {
  const folder = new URL('../../src/storage/migrations/', import.meta.url);
  const sources = readdirSync(folder)
    .filter((name) => name.endsWith('.ts') && !name.endsWith('.test.ts'))
    .sort()
    .map((name) => readFileSync(new URL(name, folder), 'utf8'));
  const template = `bm_template_${createHash('sha256').update(sources.join('\n')).digest('hex').slice(0, 16)}`;
  await withClient(async (client) => {
    // One process makes it; the others wait for it.
    await client.query('select pg_advisory_lock(hashtext($1))', [template]);
    try {
      const found = await client.query('select 1 from pg_namespace where nspname = $1', [template]);
      if (found.rowCount === 0) {
        await client.query(`create schema ${template}`);
        const url = `${TEST_DATABASE_URL}?options=${encodeURIComponent(`-c search_path=${template}`)}`;
        const store = await openStore({ databaseUrl: url, poolSize: 1 });
        await store.close();
      }
    } finally {
      await client.query('select pg_advisory_unlock(hashtext($1))', [template]);
    }
  });
  const { stdout } = await promisify(execFile)(
    'pg_dump',
    ['--dbname', TEST_DATABASE_URL, '--schema', template, '--no-owner', '--no-privileges', '--inserts'],
    { maxBuffer: 16 * 1024 * 1024 },
  );
  const statements = stdout
    .split('\n')
    .filter((line) => !line.startsWith('--') && !line.startsWith('\\'))
    .join('\n')
    .replaceAll(`${template}.`, `${TEMPLATE_MARK}.`)
    .replace(`CREATE SCHEMA ${template};`, '');
  if (statements.includes(template))
    throw new Error(`the dump of ${template} names it where it cannot be renamed`);
  return statements;
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
