import { afterEach, expect, it } from 'vitest';
import { openMigratedTo } from '../../../test/support/migrated-to.js';
import { type TestStoreLocation, testStoreLocation } from '../../../test/support/test-database.js';
import { StoreConflictError } from '../../domain/store-problems.js';
import { sql } from '../kysely.js';
import { openStore } from '../open-store.js';
import type { Store } from '../store.js';

let location: TestStoreLocation | undefined;
let store: Store | undefined;
afterEach(async () => {
  await store?.close();
  await location?.cleanup();
});

it('keys the groups of a store made before 0010 by name, leaving later namesakes without a key', async () => {
  location = await testStoreLocation({ empty: true });
  // As a store made before 0010 is.
  const db = await openMigratedTo(location.location, '0009-public-link-usage');
  try {
    await sql`insert into apps (id, name, bundle_id, sku, primary_locale, created_at)
      values ('a1', 'A1', 'com.example.a1', 'a1', 'en-US', '2023-01-01T00:00:00.000Z'),
             ('a2', 'A2', 'com.example.a2', 'a2', 'en-US', '2023-01-01T00:00:00.000Z')`.execute(db);
    // Two of a1's groups share a name but for its case; the one made first keeps it.
    await sql`insert into beta_groups (id, app_id, name, is_internal, created_at)
      values ('g-late', 'a1', 'BETA Crew', 0, '2023-03-01T00:00:00.000Z'),
             ('g-early', 'a1', 'Beta Crew', 0, '2023-02-01T00:00:00.000Z'),
             ('g-other', 'a2', 'Beta Crew', 0, '2023-04-01T00:00:00.000Z')`.execute(db);
  } finally {
    await db.destroy();
  }

  store = await openStore(location.location);
  const groups = await store.listBetaGroups('a1', { limit: 10 });
  expect(groups.map((group) => [group.id, group.name])).toEqual([
    ['g-early', 'Beta Crew'],
    ['g-late', 'BETA Crew'],
  ]);
  const taken = new StoreConflictError('a beta group with this name in this app');
  const group = { appId: 'a1', isInternal: false, createdAt: '2023-05-01T00:00:00.000Z' };
  await expect(store.createBetaGroup({ ...group, id: 'g-new', name: 'beta crew' }, [])).rejects.toThrow(
    taken,
  );
  // The namesake without a key may change its other attributes, and takes a key once renamed.
  await store.updateBetaGroup('g-late', { feedbackEnabled: false });
  await store.updateBetaGroup('g-late', { name: 'Late Crew' });
  await expect(store.createBetaGroup({ ...group, id: 'g-new', name: 'late crew' }, [])).rejects.toThrow(
    taken,
  );
  await store.createBetaGroup({ ...group, id: 'g-new', name: 'BETA CREW 2' }, []);
  await store.createBetaGroup({ ...group, appId: 'a2', id: 'g-new2', name: 'Late Crew' }, []);
});
