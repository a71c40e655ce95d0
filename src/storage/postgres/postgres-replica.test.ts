import { afterEach, expect, it } from 'vitest';
import { createTestSchema } from '../../../test/support/test-database.js';
import { copyStore, openStore } from '../open-store.js';
import type { UsageEventRecord } from '../../domain/records/usage-event-record.js';
import type { Store } from '../store.js';

const drops: Array<() => Promise<void>> = [];
const opened: Store[] = [];
afterEach(async () => {
  for (const store of opened.splice(0)) await store.close();
  for (const drop of drops.splice(0)) await drop();
});

const session = (id: string): UsageEventRecord => ({
  id,
  appId: 'a1',
  testerId: 't1',
  type: 'session',
  occurredAt: '2023-10-05T10:00:00.000Z',
  receivedAt: '2023-10-05T10:00:00.000Z',
});
const sessionsIn = (reader: Pick<Store, 'sumUsageByTester'>) =>
  reader
    .sumUsageByTester('a1', ['t1'], '2023-10-05', '2023-10-05')
    .then((sums) => sums.get('t1')?.sessionCount ?? 0);

it('reads snapshots from the read replica and everything else from the primary', async () => {
  const primary = await createTestSchema();
  const replica = await createTestSchema();
  drops.push(primary.drop, replica.drop);
  const seeding = await openStore({ databaseUrl: primary.url, poolSize: 2 });
  await seeding.createApp({
    id: 'a1',
    name: 'A',
    bundleId: 'com.example.a',
    sku: 'A',
    primaryLocale: 'en-US',
    createdAt: '2023-01-01T00:00:00.000Z',
  });
  await seeding.createTesters([
    {
      id: 't1',
      email: 't1@example.com',
      firstName: null,
      lastName: null,
      inviteType: 'EMAIL',
      createdAt: '2023-01-01T00:00:00.000Z',
    },
  ]);
  await seeding.addTestersToApps([
    { appId: 'a1', testerId: 't1', state: 'INVITED', invitedAt: '2023-01-01T00:00:00.000Z' },
  ]);
  await seeding.appendUsageEvents([session('e1')]);
  await seeding.close();
  // The stand-in for a streaming replica: the primary as it was at one moment.
  await copyStore({ databaseUrl: primary.url }, { databaseUrl: replica.url });

  const store = await openStore({ databaseUrl: primary.url, poolSize: 2, readReplicaUrl: replica.url });
  opened.push(store);
  await store.appendUsageEvents([session('e2'), session('e3')]);

  // Writes went to the primary; direct reads see them at once.
  expect(await sessionsIn(store)).toBe(3);
  // Snapshot reads (the metrics path) come from the replica, which has not caught up.
  expect(await store.snapshot(sessionsIn)).toBe(1);
  // Settings and keys come from the primary: a key created now works at once, replica or not.
  await store.setSetting('written-now', 'yes');
  expect(await store.setting('written-now')).toBe('yes');
});
