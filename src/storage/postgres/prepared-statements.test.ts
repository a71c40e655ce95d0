import pg from 'pg';
import { afterEach, expect, it } from 'vitest';
import { createTestSchema } from '../../../test/support/test-database.js';
import { type Kysely, sql } from '../kysely.js';
import type { Database } from '../schema.js';
import { openPostgresDatabase } from './connection.js';
import { MAX_NAMED, nameStatements, StatementNames } from './prepared-statements.js';

// Kysely's statements run named on PostgreSQL (prepared-statements.ts): what a connection prepares, what it
// leaves unnamed, and what it does when PostgreSQL refuses a prepared statement whose columns changed.

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

// A table of the test's own, in a schema without a store: the statements below are the test's.
type Tables = Database & { probe: { id: number; v: number } };

async function database(): Promise<Kysely<Tables>> {
  const made = await createTestSchema();
  cleanups.push(made.drop);
  const { db } = await openPostgresDatabase({ databaseUrl: made.url, poolSize: 1 });
  cleanups.push(() => db.destroy());
  const tables = db as unknown as Kysely<Tables>;
  await sql`create table probe (id int primary key, v int not null)`.execute(tables);
  await sql`insert into probe values (1, 10), (2, 20)`.execute(tables);
  return tables;
}

/** The session's prepared statements (pg_prepared_statements is per session: one connection, poolSize 1). */
async function prepared(db: Kysely<Tables>): Promise<Array<{ name: string; statement: string }>> {
  const { rows } = await sql<{ name: string; statement: string }>`
    select name, statement from pg_prepared_statements order by name`.execute(db);
  return rows;
}

const probeValue = (db: Kysely<Tables>, id: number) =>
  db.selectFrom('probe').select('v').where('id', '=', id).executeTakeFirstOrThrow();

it('prepares a statement with values once on its connection, and answers each run with its own values', async () => {
  const db = await database();
  expect(await probeValue(db, 1)).toEqual({ v: 10 });
  expect(await probeValue(db, 2)).toEqual({ v: 20 });
  const text = db.selectFrom('probe').select('v').where('id', '=', 1).compile().sql;
  expect(await prepared(db)).toEqual([
    { name: expect.stringMatching(/^beta_metrics_\d+$/), statement: text },
  ]);
  // Run again (past the five custom plans after which PostgreSQL may keep a generic one): still its values.
  for (let run = 0; run < 8; run++)
    expect(await probeValue(db, (run % 2) + 1)).toEqual({ v: ((run % 2) + 1) * 10 });
  expect(await prepared(db)).toHaveLength(1);
  // Planned for its values at every run, as an unnamed statement is.
  const { rows } = await sql<{ plan_cache_mode: string }>`show plan_cache_mode`.execute(db);
  expect(rows).toEqual([{ plan_cache_mode: 'force_custom_plan' }]);
});

it('leaves unnamed a statement that expands a row, which then still answers after a column is added', async () => {
  const db = await database();
  const row = () => db.selectFrom('probe').selectAll().where('id', '=', 1).executeTakeFirstOrThrow();
  expect(await row()).toEqual({ id: 1, v: 10 });
  expect(await prepared(db)).toEqual([]);
  await sql`alter table probe add column w int not null default 7`.execute(db);
  expect(await row()).toEqual({ id: 1, v: 10, w: 7 });
});

it('runs a statement unnamed on its connection once PostgreSQL refused it for its changed columns', async () => {
  const db = await database();
  expect(await probeValue(db, 1)).toEqual({ v: 10 });
  await sql`alter table probe alter column v type text`.execute(db);
  await expect(probeValue(db, 1)).rejects.toMatchObject({ code: '0A000' });
  expect(await probeValue(db, 1)).toEqual({ v: '10' });
  expect(await probeValue(db, 2)).toEqual({ v: '20' });
});

it('names at most MAX_NAMED texts of a pool, and keeps the names it gave', () => {
  const names = new StatementNames();
  const given = Array.from({ length: MAX_NAMED }, (_, n) => names.nameOf(`select $1::int + ${n}`));
  expect(new Set(given).size).toBe(MAX_NAMED);
  expect(names.nameOf(`select $1::int + ${MAX_NAMED}`)).toBeUndefined();
  expect(names.nameOf('select $1::int + 0')).toBe(given[0]);
});

it.each([
  ['select * from "probe" where "id" = $1', undefined],
  ['select "p".* from "probe" as "p" where "id" = $1', undefined],
  ['insert into "probe" ("id", "v") values ($1, $2) returning *', undefined],
  ['insert into "probe" ("id", "v") select * from unnest($1::int4[], $2::int4[])', 'named'],
  ['select sum("v") * -1 as "v" from "probe" where "id" = $1', 'named'],
  ['select count(*) as "n" from "probe" where "id" = $1', 'named'],
])('names %s: %s', (text, named) => {
  expect(new StatementNames().nameOf(text) === undefined ? undefined : 'named').toBe(named);
});

it('names nothing on a client whose session is not the one it connected to (a pooler between)', async () => {
  const made = await createTestSchema();
  cleanups.push(made.drop);
  const pool = new pg.Pool({ connectionString: made.url, max: 1 });
  cleanups.push(() => pool.end());
  const client = await pool.connect();
  cleanups.push(async () => client.release());
  // What a pooler's own key (BackendKeyData) looks like to the client: not the pid of the session that answers.
  (client as unknown as { processID: number }).processID = -1;
  const named = await nameStatements(client, new StatementNames());
  expect((await named.query('select $1::int + 1 as n', [1])).rows).toEqual([{ n: 2 }]);
  expect((await named.query('select name from pg_prepared_statements')).rows).toEqual([]);
  expect((await named.query('show plan_cache_mode')).rows).toEqual([{ plan_cache_mode: 'auto' }]);
});
