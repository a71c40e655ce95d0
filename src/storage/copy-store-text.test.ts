import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALL_TABLES, tableRowCounts } from '../../test/support/filled-store.js';
import { seedApp } from '../../test/support/harness.js';
import { createTestSchema, postgresReachable } from '../../test/support/test-database.js';
import { copyStore, openStore, StoreCopyError, type StoreLocation } from './open-store.js';
import { SQLITE_FILE_NAME } from './sqlite/connection.js';
import type { UsageEventRecord } from '../domain/records/usage-event-record.js';

/**
 * A SQLite store written before ingestion refused text PostgreSQL cannot store: its store layer keeps a NUL,
 * and writes a lone surrogate as bytes that are not UTF-8 (sqlite/unstorable-text.ts). A copy into PostgreSQL
 * refuses such a store before writing anything, naming the row; text that only looks suspect is copied.
 */
const postgres = await postgresReachable();

let dir: string;
const cleanups: Array<() => Promise<void>> = [];
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'beta-metrics-copy-text-'));
});
afterAll(async () => {
  for (const cleanup of cleanups) await cleanup();
  await rm(dir, { recursive: true, force: true });
});

let sources = 0;
/** A SQLite store with app 100, testers t1 and t2, and `events` of t1 written as they are. */
async function sqliteSource(
  events: ReadonlyArray<Partial<UsageEventRecord>>,
  t2Name = 'Bo',
): Promise<StoreLocation> {
  const location = { dataDir: join(dir, `source-${++sources}`) };
  const store = await openStore(location);
  try {
    await seedApp(store, '100', [{ id: 't1' }, { id: 't2' }]);
    await store.createTesters([
      {
        id: 't3',
        email: 't3@example.com',
        firstName: t2Name,
        lastName: null,
        inviteType: 'EMAIL',
        createdAt: '2023-01-01T00:00:00.000Z',
      },
    ]);
    await store.appendUsageEvents(
      events.map((event, i) => ({
        id: `e${i}`,
        appId: '100',
        testerId: 't1',
        type: 'session',
        occurredAt: '2023-10-01T10:00:00.000Z',
        receivedAt: '2023-10-01T10:00:01.000Z',
        ...event,
      })),
    );
  } finally {
    await store.close();
  }
  return location;
}

/** Changes a SQLite store behind its back, as an operator fixing it by hand would. */
function withSqlite(location: StoreLocation, change: (db: Database.Database) => void): void {
  if (!('dataDir' in location)) throw new Error('not a SQLite store');
  const db = new Database(join(location.dataDir, SQLITE_FILE_NAME));
  try {
    change(db);
  } finally {
    db.close();
  }
}

async function postgresTarget(): Promise<StoreLocation> {
  const schema = await createTestSchema();
  cleanups.push(schema.drop);
  return { databaseUrl: schema.url, poolSize: 2 };
}

const zeroes = Object.fromEntries(ALL_TABLES.map((table) => [table, 0]));

describe.skipIf(!postgres)('copying text PostgreSQL cannot store', () => {
  it('refuses a NUL before writing anything, naming the table, the row and the column, in one line', async () => {
    // 황 is ED 99 A9 (ED, as a surrogate starts, but valid); "황nڀ" is ED 99 A9 6E DA 80, whose hex has "EDA"
    // across two bytes: suspects the exact check clears, copied as they are once the bad rows are gone.
    const source = await sqliteSource([
      { device: '황민', osVersion: '\ufffd' },
      { platform: '황nڀ', build: '😀' },
      { build: 'a\u0000b' },
    ]);
    const target = await postgresTarget();
    await openStore(target).then((store) => store.close());
    const refusal = async () => {
      const error = await copyStore(source, target).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(StoreCopyError);
      expect(await tableRowCounts(target)).toEqual(zeroes);
      return (error as StoreCopyError).message;
    };

    expect(await refusal()).toMatch(
      /^the usage_events row \(app_id "100", id "e2"\) cannot be copied: its build contains the NUL character \(U\+0000\), which text may not contain, and postgres:\/\/\S+ cannot store that\. Nothing was copied; fix or delete that row, or move the apps with 'export' and 'import', which reports such lines and loads the others$/,
    );
    // As the message says: delete the row. Its rollup holds the build too, in its key, shown escaped.
    withSqlite(source, (db) => db.prepare("delete from usage_events where id = 'e2'").run());
    expect(await refusal()).toMatch(
      /^the usage_daily row \(app_id "100", tester_id "t1", day "2023-10-01", build "a\\u0000b"\) cannot be copied: its build contains the NUL/,
    );
    withSqlite(source, (db) => db.prepare("delete from usage_daily where build like 'a%'").run());
    // The per-build rollup keys on the build too (0009).
    expect(await refusal()).toMatch(
      /^the usage_build_daily row \(app_id "100", build "a\\u0000b", day "2023-10-01"\) cannot be copied/,
    );
    withSqlite(source, (db) => db.prepare("delete from usage_build_daily where build like 'a%'").run());

    await copyStore(source, target);
    const store = await openStore(target);
    try {
      const events = new Map((await store.listUsageEvents('100', undefined, 100)).map((e) => [e.id, e]));
      expect(events.get('e0')).toMatchObject({ device: '황민', osVersion: '\ufffd' });
      expect(events.get('e1')).toMatchObject({ platform: '황nڀ', build: '😀' });
    } finally {
      await store.close();
    }
  });

  it('refuses a lone surrogate (stored by SQLite as bytes that are not UTF-8), wherever it is', async () => {
    const source = await sqliteSource([{ device: 'iPhone' }], 'Ev\ud800e');
    const target = await postgresTarget();

    const error = await copyStore(source, target).catch((caught: unknown) => caught);
    expect((error as Error).message).toMatch(
      /^the beta_testers row \(id "t3"\) cannot be copied: its first_name contains an unpaired UTF-16 surrogate /,
    );
    expect(await tableRowCounts(target)).toEqual(zeroes);
  });
});
