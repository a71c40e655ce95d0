import pg from 'pg';
import { afterEach, expect, it } from 'vitest';
import { createTestSchema } from '../../../test/support/test-database.js';
import { MIGRATION_NAMES } from '../migrations/index.js';
import { openStore } from '../open-store.js';
import type { Store } from '../store.js';

let drop: (() => Promise<void>) | undefined;
const opened: Store[] = [];
afterEach(async () => {
  for (const store of opened.splice(0)) await store.close();
  await drop?.();
});

it('migrates once when several nodes open a fresh database at the same time', async () => {
  const schema = await createTestSchema();
  drop = schema.drop;
  const stores = await Promise.all(
    Array.from({ length: 4 }, () => openStore({ databaseUrl: schema.url, poolSize: 2 })),
  );
  opened.push(...stores);

  const client = new pg.Client({ connectionString: schema.url });
  await client.connect();
  try {
    const ran = await client.query<{ name: string }>(
      `select name from ${schema.schema}.kysely_migration order by name`,
    );
    expect(ran.rows.map((row) => row.name)).toEqual(MIGRATION_NAMES);
  } finally {
    await client.end();
  }
  // Every node works on the one schema: what one writes, another reads.
  await stores[0]?.setSetting('probe', 'written by node 0');
  expect(await stores[3]?.setting('probe')).toBe('written by node 0');
});

it('leaves room on the monthly and daily rollups’ pages for their rows’ next versions (0015, 0016)', async () => {
  const schema = await createTestSchema();
  drop = schema.drop;
  opened.push(await openStore({ databaseUrl: schema.url, poolSize: 1 }));
  const client = new pg.Client({ connectionString: schema.url });
  await client.connect();
  try {
    const options = await client.query<{ relname: string; reloptions: string[] | null }>(
      `select c.relname, c.reloptions from pg_class c join pg_namespace n on n.oid = c.relnamespace
       where n.nspname = $1 and c.relname in ('usage_monthly', 'usage_daily') order by c.relname`,
      [schema.schema],
    );
    expect(options.rows).toEqual([
      { relname: 'usage_daily', reloptions: ['fillfactor=50'] },
      { relname: 'usage_monthly', reloptions: ['fillfactor=50'] },
    ]);
  } finally {
    await client.end();
  }
});
