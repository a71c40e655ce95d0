import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { StoreChange } from '../change-feed.js';
import { openStore } from '../open-store.js';
import { waitUntil } from '../wait-until.js';
import { SQLITE_FILE_NAME } from './connection.js';
import { DATA_VERSION_LEASE_MS, dataVersionFeed } from './data-version-feed.js';

let dir: string;
let own: Database.Database;
let other: Database.Database;
let dataVersionReads: number;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'beta-metrics-feed-'));
  own = new Database(join(dir, 'store.db'));
  own.pragma('journal_mode = WAL');
  own.exec('create table t (n integer)');
  other = new Database(join(dir, 'store.db'));
  dataVersionReads = 0;
  // The real connection, its reads of data_version counted.
  const prepare = own.prepare.bind(own);
  own.prepare = ((sql: string) => {
    const statement = prepare(sql);
    if (sql !== 'pragma data_version') return statement;
    const get = statement.get.bind(statement);
    statement.get = ((...args: unknown[]) => {
      dataVersionReads++;
      return get(...args);
    }) as typeof statement.get;
    return statement;
  }) as typeof own.prepare;
});

/** What a writer does before it acknowledges a change (read-caches.ts, `writesSeenEverywhere`). */
const waitOut = (ms: number) => waitUntil(performance.now() + ms);

afterEach(async () => {
  other.close();
  if (own.open) own.close();
  await rm(dir, { recursive: true, force: true });
});

it('tells a commit of another connection made lagMs or more before caughtUp was called, before it resolves', async () => {
  const feed = dataVersionFeed(own);
  expect(feed.lagMs).toBeGreaterThan(DATA_VERSION_LEASE_MS);
  const heard: StoreChange[] = [];
  feed.onChange((change) => heard.push(change));
  expect(await feed.caughtUp()).toBe(true);
  expect(heard).toEqual([]);
  for (let n = 1; n <= 30; n++) {
    // Called right before the commit: the read it trusts (its own, or one within the lease) came before it.
    expect(await feed.caughtUp()).toBe(true);
    other.exec(`insert into t values (${n})`);
    await waitOut(feed.lagMs);
    expect(await feed.caughtUp()).toBe(true);
    expect(heard, `commit ${n}`).toHaveLength(n);
  }
  // This connection's own commits are told by the caches themselves, not by the feed.
  own.exec('insert into t values (0)');
  await waitOut(feed.lagMs);
  expect(await feed.caughtUp()).toBe(true);
  expect(heard).toHaveLength(30);
});

it('within its lease, answers later turns without reading data_version, and reads it again once past', async () => {
  const feed = dataVersionFeed(own, { leaseMs: 60_000 });
  const heard: StoreChange[] = [];
  feed.onChange((change) => heard.push(change));
  const readsBefore = dataVersionReads;
  // The read made when the feed was made is within the lease.
  for (let turn = 0; turn < 20; turn++) expect(await feed.caughtUp()).toBe(true);
  expect(dataVersionReads - readsBefore).toBe(0);
  // So a commit that no writer waited out is not told yet.
  other.exec('insert into t values (1)');
  expect(await feed.caughtUp()).toBe(true);
  expect(heard).toEqual([]);

  const short = dataVersionFeed(own, { leaseMs: 500 });
  const shortHeard: StoreChange[] = [];
  short.onChange((change) => shortHeard.push(change));
  expect(short.lagMs).toBe(501);
  const shortReads = dataVersionReads;
  expect(await short.caughtUp()).toBe(true);
  expect(dataVersionReads - shortReads).toBe(0);
  other.exec('insert into t values (2)');
  await waitOut(short.lagMs);
  // Past the lease, a call waits for a read of its own, which sees the commit.
  expect(await short.caughtUp()).toBe(true);
  expect(dataVersionReads - shortReads).toBe(1);
  expect(shortHeard).toEqual([{}]);
});

it('without a lease, reads data_version for every turn and makes no writer wait', async () => {
  const feed = dataVersionFeed(own, { leaseMs: 0 });
  expect(feed.lagMs).toBe(0);
  const heard: StoreChange[] = [];
  feed.onChange((change) => heard.push(change));
  const readsBefore = dataVersionReads;
  for (let n = 1; n <= 5; n++) {
    other.exec(`insert into t values (${n})`);
    expect(await feed.caughtUp()).toBe(true);
    expect(heard).toHaveLength(n);
  }
  expect(dataVersionReads - readsBefore).toBe(5);
});

it('answers the calls of one turn of the event loop with one read of data_version, made after the last of them', async () => {
  const feed = dataVersionFeed(own, { leaseMs: 0 });
  const heard: StoreChange[] = [];
  feed.onChange((change) => heard.push(change));
  const readsBefore = dataVersionReads;
  const first = feed.caughtUp();
  // A commit after the first call and before the later ones: the shared read must still see it.
  other.exec('insert into t values (1)');
  const later = [feed.caughtUp(), feed.caughtUp(), feed.caughtUp()];
  expect(await Promise.all([first, ...later])).toEqual([true, true, true, true]);
  expect(dataVersionReads - readsBefore).toBe(1);
  expect(heard).toEqual([{}]);
  // A call after that read waits for a read of its own.
  other.exec('insert into t values (2)');
  expect(await feed.caughtUp()).toBe(true);
  expect(dataVersionReads - readsBefore).toBe(2);
  expect(heard).toEqual([{}, {}]);
});

it('is not caught up once its connection is closed, even with a read already promised', async () => {
  const feed = dataVersionFeed(own);
  const promised = feed.caughtUp();
  own.close();
  expect(await promised).toBe(false);
  expect(await feed.caughtUp()).toBe(false);
  expect(feed.watching()).toBe(false);
});

it("hears another store's writes on the same file once its writesSeenEverywhere resolves, however fresh the read it trusts", async () => {
  const storeDir = join(dir, 'store');
  // The writer: another process's store on the same file, its writes of cached tables waiting out `lagMs`.
  const writer = await openStore({ dataDir: storeDir });
  try {
    const reader = new Database(join(storeDir, SQLITE_FILE_NAME), { readonly: true });
    try {
      const feed = dataVersionFeed(reader);
      const heard: StoreChange[] = [];
      feed.onChange((change) => heard.push(change));
      for (let n = 0; n < 30; n++) {
        // A read made (or trusted) right before the write: within its lease when the write is acknowledged.
        expect(await feed.caughtUp()).toBe(true);
        heard.length = 0;
        await writer.createApiKey({
          keyId: `KEY${String(n).padStart(7, '0')}`,
          name: `key ${n}`,
          role: 'DEVELOPER',
          kind: 'TEAM',
          testing: false,
          publicKey: 'not read here',
          createdAt: '2025-01-15T12:00:00.000Z',
          revokedAt: null,
        });
        await writer.writesSeenEverywhere();
        expect(await feed.caughtUp()).toBe(true);
        expect(heard, `key ${n}`).toEqual([{}]);
      }
    } finally {
      reader.close();
    }
  } finally {
    await writer.close();
  }
});
