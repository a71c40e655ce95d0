import { afterEach, expect, it } from 'vitest';
import { openMigratedTo } from '../../../test/support/migrated-to.js';
import { expectCachesWatching } from '../../../test/support/poll-until.js';
import { type TestStoreLocation, testStoreLocation } from '../../../test/support/test-database.js';
import { sql } from '../kysely.js';
import { openStore } from '../open-store.js';
import type { Store } from '../store.js';

let location: TestStoreLocation | undefined;
const opened: Store[] = [];
afterEach(async () => {
  for (const store of opened.splice(0)) await store.close();
  await location?.cleanup();
});

it('tells a store made before 0013, once migrated, of a tester another process deletes', async () => {
  location = await testStoreLocation({ empty: true });
  // As a store made before 0013 is, with its testers.
  const db = await openMigratedTo(location.location, '0012-change-notifications');
  try {
    await sql`insert into beta_testers (id, email, email_key, invite_type, created_at)
      values ('t1', 't1@example.com', 't1@example.com', 'EMAIL', '2023-01-01T00:00:00.000Z'),
             ('t2', 't2@example.com', 't2@example.com', 'EMAIL', '2023-01-01T00:00:00.000Z')`.execute(db);
  } finally {
    await db.destroy();
  }

  const store = await openStore(location.location);
  opened.push(store);
  const other = await openStore(location.location);
  opened.push(other);
  // PostgreSQL's feed starts listening at the first cached read.
  await store.findApiKey('NOSUCHKEY0');
  await expectCachesWatching(store);
  expect(await store.testerAppDataVersions('t1', [])).toEqual(new Map());
  const hits = store.readCaches()?.testers.hits ?? 0;
  expect(await store.testerAppDataVersions('t1', [])).toEqual(new Map());
  expect(store.readCaches()?.testers.hits).toBe(hits + 1);

  // At once: the read after the delete waits for the feed to catch up, nothing else.
  await other.deleteTester('t1');
  expect(await store.testerAppDataVersions('t1', [])).toBeUndefined();
  expect(await store.testerAppDataVersions('t2', [])).toEqual(new Map());
});
