import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { openStore } from '../open-store.js';
import type { Store } from '../store.js';
import { PAGE_CACHE_KIB, type SqliteConnection } from './connection.js';

/**
 * The store's connection keeps a page cache of PAGE_CACHE_KIB, not better-sqlite3's 16 MB: a server's resident
 * memory under ingestion depends on it (connection.ts; BENCHMARKS.md, "SQLite's page cache").
 */

let dir: string;
let store: Store | undefined;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'beta-metrics-page-cache-'));
});

afterEach(async () => {
  await store?.close();
  await rm(dir, { recursive: true, force: true });
});

it('opens the store with a page cache smaller than better-sqlite3 gives a connection by default', async () => {
  let connection: SqliteConnection | undefined;
  store = await openStore(
    { dataDir: dir },
    { onSqliteConnectionForTests: (opened) => (connection = opened) },
  );
  const bare = new Database(':memory:');
  const bareKib = -Number(bare.pragma('cache_size', { simple: true }));
  bare.close();

  expect(connection?.pragma('cache_size', { simple: true })).toBe(-PAGE_CACHE_KIB);
  expect(PAGE_CACHE_KIB).toBeLessThan(bareKib);
});
