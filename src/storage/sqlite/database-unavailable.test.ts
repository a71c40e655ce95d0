import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createStoreApp,
  expectUnavailable,
  expectUnavailableLogged,
  type StoreApp,
} from '../../../test/support/store-app.js';
import { openSqliteDatabase, type SqliteConnection } from './connection.js';
import { sqliteSpecifics } from './dialect.js';

/**
 * The embedded store that cannot write (a full disk, a read-only file): ingestion and /healthz answer 503 with
 * Retry-After, the log names SQLite's code, nothing of the batch is stored, and both recover by themselves.
 * The store's own connection is made full (max_page_count) or read-only (query_only): both are per connection.
 */

let dir: string;
let storeApp: StoreApp;
let connection: SqliteConnection;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'beta-metrics-unavailable-'));
  storeApp = await createStoreApp(
    { dataDir: dir },
    {
      onSqliteConnectionForTests: (opened) => {
        connection = opened;
      },
    },
  );
});
afterEach(async () => {
  await storeApp.close();
  await rm(dir, { recursive: true, force: true });
});

const batch = Array.from({ length: 200 }, (_, i) => `full-${i}`);

/** What the store holds of app 100: its raw events, t1's sessions in the metrics, what ingestion counted. */
async function stored() {
  const events = await storeApp.store.listUsageEvents('100', undefined, 1_000);
  const page = (await storeApp.metrics()).json<{ data: Array<{ dataPoints: Array<{ values: unknown }> }> }>();
  const stats = await storeApp.store.ingestStats();
  return {
    events: events.length,
    values: page.data.map((item) => item.dataPoints[0]?.values),
    accepted: stats.find((app) => app.appId === '100')?.accepted ?? 0,
  };
}

describe('SQLite that cannot write answers 503, never 500', () => {
  it('a full disk: 503 with the cause in the log, nothing stored; once space frees, the same batch is taken', async () => {
    expect((await storeApp.healthz()).statusCode).toBe(200);
    const before = await stored();
    connection.pragma(`max_page_count = ${connection.pragma('page_count', { simple: true })}`);

    expectUnavailable(await storeApp.ingest(batch), 'ingest');
    expectUnavailable(await storeApp.healthz(), 'healthz');
    expectUnavailableLogged(storeApp, /^SQLITE_FULL: database or disk is full$/);
    expect(storeApp.rawLog.join('')).not.toContain('cannot rollback');
    expect(await stored()).toEqual(before);

    connection.pragma('max_page_count = 1000000');
    expect((await storeApp.ingest(batch)).json()).toEqual({ accepted: 200, duplicates: 0 });
    expect((await storeApp.healthz()).statusCode).toBe(200);
    expect(await stored()).toEqual({
      events: before.events + 200,
      values: [{ sessionCount: 202, crashCount: 0, feedbackCount: 0 }],
      accepted: before.accepted + 200,
    });
  });

  it('a read-only database: ingestion and /healthz 503, reads 200; then writable again', async () => {
    connection.pragma('query_only = 1');

    expectUnavailable(await storeApp.ingest(['read-only-1']), 'ingest');
    expect((await storeApp.metrics()).statusCode).toBe(200);
    expectUnavailable(await storeApp.healthz(), 'healthz');
    expectUnavailableLogged(storeApp, /^SQLITE_READONLY: attempt to write a readonly database$/);
    // A batch refused for its own faults is answered as such; that its refusal could not be counted is logged.
    const refuse = () =>
      storeApp.app.inject({
        method: 'POST',
        url: '/ingest/v1/events',
        headers: { authorization: `Bearer ${storeApp.ingestKey}`, 'content-type': 'application/json' },
        payload: '{"events": 3}',
      });
    expect((await refuse()).statusCode).toBe(400);
    expect(
      storeApp.log.filter((line) => line.msg === 'the database cannot serve now: refusal not counted'),
    ).toEqual([
      expect.objectContaining({
        level: 40,
        appId: '100',
        cause: 'SQLITE_READONLY: attempt to write a readonly database',
      }),
    ]);

    connection.pragma('query_only = 0');
    expect((await storeApp.ingest(['read-only-1'])).json()).toEqual({ accepted: 1, duplicates: 0 });
    // Each write that failed is believed failing until it succeeds again (or a few seconds pass).
    expect((await refuse()).statusCode).toBe(400);
    expect((await storeApp.healthz()).statusCode).toBe(200);
  });
});

describe('a transaction SQLite has already rolled back', () => {
  // A statement that writes one row has no statement journal: when it fails with SQLITE_FULL, SQLite rolls back
  // the whole transaction (as it does when a real full disk fails a COMMIT), before Kysely's ROLLBACK runs.
  it('fails with the error that ended it, not with "cannot rollback", and keeps nothing', async () => {
    let raw: SqliteConnection | undefined;
    const db = openSqliteDatabase(join(dir, 'bare'), (opened) => {
      raw = opened;
    });
    try {
      await sql`create table blobs (b blob)`.execute(db);
      raw?.pragma(`max_page_count = ${raw.pragma('page_count', { simple: true })}`);

      const write = sqliteSpecifics.writeTransaction(db, async (trx) => {
        await sql`insert into blobs values (zeroblob(1000))`.execute(trx);
        await sql`insert into blobs values (zeroblob(100000))`.execute(trx);
      });

      await expect(write).rejects.toMatchObject({ code: 'SQLITE_FULL', message: 'database or disk is full' });
      expect(raw?.inTransaction).toBe(false);
      raw?.pragma('max_page_count = 1000000');
      const { rows } = await sql<{ n: number }>`select count(*) as n from blobs`.execute(db);
      expect(rows).toEqual([{ n: 0 }]);
    } finally {
      await db.destroy();
    }
  });
});
