import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { parsePrometheusText, samplesOf } from '../../../test/support/prometheus-text.js';
import {
  createStoreApp,
  expectUnavailable,
  expectUnavailableLogged,
  METRICS_TARGET,
  type StoreApp,
} from '../../../test/support/store-app.js';
import { TEST_DATABASE_URL } from '../../../test/support/test-database.js';
import type { CliDeps } from '../../cli/cli-deps.js';
import { runCli } from '../../cli/run.js';
import { openRuntime } from '../../main/compose.js';

/**
 * PostgreSQL refusing to serve, each way it can: every route answers 503 in Apple's shape with Retry-After
 * (never 500), /healthz too, the log says why in one warn line, and the same app answers 200 again once the
 * database serves. Each test has a database (and a role) of its own, made as the `postgres` superuser.
 */

const made: { databases: string[]; roles: string[] } = { databases: [], roles: [] };
let storeApp: StoreApp | undefined;

afterEach(async () => {
  await storeApp?.close();
  storeApp = undefined;
  await admin(async (client) => {
    for (const database of made.databases.splice(0))
      await client.query(`drop database if exists ${database} with (force)`);
    for (const role of made.roles.splice(0)) await client.query(`drop role if exists ${role}`);
  });
});

async function admin<T>(work: (client: pg.Client) => Promise<T>, database?: string): Promise<T> {
  const client = new pg.Client({ connectionString: urlOf(database), connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** The test database's URL with another database and user. */
function urlOf(database?: string, user?: string): string {
  const url = new URL(TEST_DATABASE_URL);
  if (database !== undefined) url.pathname = `/${database}`;
  if (user !== undefined) url.username = user;
  url.search = '';
  return url.toString();
}

async function createDatabase(owner?: string): Promise<string> {
  const database = `bm_unavailable_${randomBytes(5).toString('hex')}`;
  made.databases.push(database);
  await admin((client) =>
    client.query(`create database ${database}${owner === undefined ? '' : ` owner ${owner}`}`),
  );
  return database;
}

async function createRole(): Promise<string> {
  const role = `bm_limited_${randomBytes(5).toString('hex')}`;
  made.roles.push(role);
  await admin((client) => client.query(`create role ${role} login`));
  return role;
}

/**
 * Ends every session on `database` but the caller's: the app's pool must connect anew. Each backend is waited
 * for until it has exited (PostgreSQL 14+: `pg_terminate_backend`'s timeout), so that no session still alive
 * and opened before a setting changed serves the next request, and each of the pool's sessions has been sent
 * its end before the test goes on. Without the wait, on a loaded machine (CI), the read after the refused write
 * once came back 503: a session still ending is the likeliest cause, as `pg_terminate_backend` only signals by
 * default.
 */
function terminateSessions(database: string) {
  return admin((client) =>
    client.query(
      'select pg_terminate_backend(pid, 5000) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()',
      [database],
    ),
  );
}

/**
 * The batch `outage-1` once the database serves again, retried while it answers 503 as a sender would:
 * pg_terminate_backend only signals, so a pooled connection can still be on its way out when the first try
 * comes. The retried batch counts once.
 */
async function ingestOnceServing(app: StoreApp) {
  let answer = await app.ingest(['outage-1']);
  for (let retry = 0; retry < 10 && answer.statusCode === 503; retry++) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    answer = await app.ingest(['outage-1']);
  }
  return answer;
}

async function openApp(database: string, user?: string): Promise<StoreApp> {
  storeApp = await createStoreApp({ databaseUrl: urlOf(database, user), poolSize: 2 });
  await expectServing(storeApp);
  return storeApp;
}

async function expectServing(app: StoreApp) {
  expect((await app.metrics()).statusCode).toBe(200);
  expect((await app.healthz()).statusCode).toBe(200);
}

/** Reads, an ingested batch and /healthz all answer 503, logged with a cause matching `cause`. */
async function expectAllUnavailable(app: StoreApp, cause: RegExp) {
  expectUnavailable(await app.metrics(), 'metrics');
  expectUnavailable(await app.ingest(['outage-1']), 'ingest');
  expectUnavailable(await app.healthz(), 'healthz');
  expectUnavailableLogged(app, cause);
}

describe('PostgreSQL that cannot serve answers 503, never 500', () => {
  it('a database that accepts no connections (55000), until it does again', async () => {
    const database = await createDatabase();
    const app = await openApp(database);

    await admin((client) => client.query(`alter database ${database} allow_connections false`));
    await terminateSessions(database);
    await expectAllUnavailable(app, /^55000: database "\w+" is not currently accepting connections$/);

    await admin((client) => client.query(`alter database ${database} allow_connections true`));
    expect((await app.metrics()).statusCode).toBe(200);
    expect((await ingestOnceServing(app)).json()).toEqual({ accepted: 1, duplicates: 0 });
    expect((await app.healthz()).statusCode).toBe(200);
  });

  it('a replayed read it cannot serve: 503 after one read of the key, not checked again by Fastify', async () => {
    const database = await createDatabase();
    const app = await openApp(database);
    // The answer replay answers over sockets only (answer-replay.ts), never `inject`.
    await app.app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = app.app.server.address() as AddressInfo;
    const authorization = await app.authorization();
    const read = () => fetch(`http://127.0.0.1:${port}${METRICS_TARGET}`, { headers: { authorization } });
    const replayed = async () => {
      const samples = parsePrometheusText((await app.app.inject({ url: '/metrics' })).body);
      return samplesOf(samples, 'beta_metrics_http_replayed_answers_total').reduce((n, s) => n + s.value, 0);
    };
    expect((await read()).status).toBe(200);
    const replayedBefore = await replayed();
    expect((await read()).status).toBe(200);
    expect(await replayed()).toBe(replayedBefore + 1);

    await admin((client) => client.query(`alter database ${database} allow_connections false`));
    await terminateSessions(database);
    const keyReads = () => app.store.readCaches()?.apiKeys.misses ?? Number.NaN;
    const keyReadsBefore = keyReads();
    const refused = await read();
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('5');
    expect(await refused.json()).toMatchObject({ errors: [{ status: '503', code: 'SERVICE_UNAVAILABLE' }] });
    // The replay's check read the key and met the refusal; Fastify answered without reading it again. Each
    // read waits out what the database makes it wait: through a partition, a query's or a new connection's
    // timeout (the stall test of test/e2e/postgres/outage.test.ts), twice over without this.
    expect(keyReads() - keyReadsBefore).toBe(1);
    expectUnavailableLogged(app, /^55000: database "\w+" is not currently accepting connections$/);
  });

  it('a database dropped (3D000)', async () => {
    const database = await createDatabase();
    const app = await openApp(database);

    await admin((client) => client.query(`drop database ${database} with (force)`));
    await expectAllUnavailable(app, /^3D000: database "\w+" does not exist$/);
  });

  it('too many connections for the role (53300), until the limit allows them again', async () => {
    const role = await createRole();
    const database = await createDatabase(role);
    const app = await openApp(database, role);

    await admin((client) => client.query(`alter role ${role} connection limit 0`));
    await terminateSessions(database);
    await expectAllUnavailable(app, /^53300: too many connections for role "\w+"$/);

    await admin((client) => client.query(`alter role ${role} connection limit -1`));
    expect((await ingestOnceServing(app)).json()).toEqual({ accepted: 1, duplicates: 0 });
    await expectServing(app);
  });

  it('a role that no longer exists (28000)', async () => {
    const role = await createRole();
    const database = await createDatabase(role);
    const app = await openApp(database, role);

    await admin(
      (client) => client.query(`reassign owned by ${role} to postgres; drop owned by ${role}`),
      database,
    );
    await admin((client) => client.query(`drop role ${role}`));
    await terminateSessions(database);
    await expectAllUnavailable(app, /^28000: role "\w+" does not exist$/);
  });

  it('a read-only database: ingestion and /healthz 503, reads 200, the CLI one line; then writable again', async () => {
    const database = await createDatabase();
    const app = await openApp(database);

    await admin((client) =>
      client.query(`alter database ${database} set default_transaction_read_only = on`),
    );
    await terminateSessions(database);
    expectUnavailable(await app.ingest(['outage-1']), 'ingest');
    expect((await app.metrics()).statusCode).toBe(200);
    // A read succeeds; the write that just failed is what /healthz goes by.
    expectUnavailable(await app.healthz(), 'healthz');
    expectUnavailableLogged(app, /^25006: cannot execute INSERT in a read-only transaction$/);

    const shown: string[] = [];
    const deps: CliDeps = {
      openRuntime,
      serve: () => Promise.reject(new Error('not served here')),
      out: { line: () => {}, json: () => {}, progress: () => {}, error: (text) => shown.push(text) },
    };
    const code = await runCli(
      ['apps', 'create', '--name', 'X', '--bundle-id', 'com.example.x', '--database-url', urlOf(database)],
      deps,
    );
    expect({ code, shown }).toEqual({
      code: 1,
      shown: [
        expect.stringMatching(
          /^beta-metrics: the database cannot serve now \(25006: cannot execute INSERT in a read-only transaction\); check that it is up, .* then run the command again$/,
        ),
      ],
    });

    await admin((client) => client.query(`alter database ${database} reset default_transaction_read_only`));
    await terminateSessions(database);
    expect((await ingestOnceServing(app)).json()).toEqual({ accepted: 1, duplicates: 0 });
    await expectServing(app);
  });
});
