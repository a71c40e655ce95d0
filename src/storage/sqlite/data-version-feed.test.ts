import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { StoreChange } from '../change-feed.js';
import { dataVersionFeed } from './data-version-feed.js';

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

afterEach(async () => {
  other.close();
  if (own.open) own.close();
  await rm(dir, { recursive: true, force: true });
});

it('tells a commit of another connection made before caughtUp was called, before it resolves', async () => {
  const feed = dataVersionFeed(own);
  const heard: StoreChange[] = [];
  feed.onChange((change) => heard.push(change));
  expect(await feed.caughtUp()).toBe(true);
  expect(heard).toEqual([]);
  other.exec('insert into t values (1)');
  expect(await feed.caughtUp()).toBe(true);
  expect(heard).toEqual([{}]);
  // This connection's own commits are told by the caches themselves, not by the feed.
  own.exec('insert into t values (2)');
  expect(await feed.caughtUp()).toBe(true);
  expect(heard).toEqual([{}]);
});

it('answers the calls of one turn of the event loop with one read of data_version, made after the last of them', async () => {
  const feed = dataVersionFeed(own);
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
