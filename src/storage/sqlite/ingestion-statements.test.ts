import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { withAppDefaults } from '../../domain/records/app.js';
import type { UsageEventRecord } from '../../domain/records/usage-event-record.js';
import { openStore } from '../open-store.js';
import type { Store } from '../store.js';

/**
 * Ingestion's writes on SQLite without `returning` while every event is new (queries/append-usage.ts, insertNew;
 * queries/installs.ts): SQLite runs a returning clause as a trigger, which made each row cost three to four
 * times as much. The statements are seen as the store's connection prepares them; what the writes store is
 * checked by the store suites, on both backends.
 */

let dir: string;
let store: Store;
let prepared: string[];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'beta-metrics-ingestion-statements-'));
  prepared = [];
  store = await openStore(
    { dataDir: dir },
    {
      onSqliteConnectionForTests: (connection) => {
        const prepare = connection.prepare.bind(connection);
        connection.prepare = ((text: string) => {
          prepared.push(text);
          return prepare(text);
        }) as typeof connection.prepare;
      },
    },
  );
  await store.createApp(
    withAppDefaults({
      id: 'a1',
      name: 'App a1',
      bundleId: 'com.example.a1',
      sku: 'SKUa1',
      primaryLocale: 'en-US',
      createdAt: '2023-01-01T00:00:00.000Z',
    }),
  );
  for (const id of ['t1', 't2']) {
    await store.createTesters([
      {
        id,
        email: `${id}@example.com`,
        firstName: 'Ada',
        lastName: id,
        inviteType: 'EMAIL',
        createdAt: '2023-01-01T00:00:00.000Z',
      },
    ]);
    await store.addTestersToApps([
      { appId: 'a1', testerId: id, state: 'INVITED', invitedAt: '2023-01-02T00:00:00.000Z' },
    ]);
  }
});
afterEach(async () => {
  await store.close();
  await rm(dir, { recursive: true, force: true });
});

const event = (id: string, testerId: string): UsageEventRecord => ({
  id,
  appId: 'a1',
  testerId,
  type: 'session',
  occurredAt: '2023-10-05T10:00:00.000Z',
  receivedAt: '2023-10-05T10:00:01.000Z',
});
const returning = () => prepared.filter((text) => /\breturning\b/i.test(text));

describe('ingestion on SQLite', () => {
  it('writes a batch of new events, and testers newly installed, without returning', async () => {
    prepared = [];
    const batch = Array.from({ length: 100 }, (_, i) => event(`e${i}`, i % 2 === 0 ? 't1' : 't2'));
    expect(await store.appendUsageEvents(batch)).toEqual({ accepted: 100, duplicates: 0 });
    expect(prepared.some((text) => /insert into "usage_events"/.test(text))).toBe(true);
    expect(prepared.some((text) => /insert into "app_testers"/.test(text))).toBe(true);
    expect(returning()).toEqual([]);
  });

  it('returns the rows it inserted only for a batch with events stored already', async () => {
    await store.appendUsageEvents([event('e1', 't1'), event('e2', 't1')]);
    prepared = [];
    expect(await store.appendUsageEvents([event('e2', 't1'), event('e3', 't2'), event('e3', 't2')])).toEqual({
      accepted: 1,
      duplicates: 2,
    });
    expect(returning().map((text) => /insert into "usage_events"/.test(text))).toEqual([true]);
  });
});
