import { type Kysely, Migrator, sql } from 'kysely';
import { afterEach, expect, it } from 'vitest';
import { type TestStoreLocation, testStoreLocation } from '../../../test/support/test-database.js';
import { StoreConflictError } from '../../domain/store-problems.js';
import { openStore, type StoreLocation } from '../open-store.js';
import { openPostgresDatabase } from '../postgres/connection.js';
import { postgresSpecifics } from '../postgres/dialect.js';
import type { Database } from '../schema.js';
import { openSqliteDatabase } from '../sqlite/connection.js';
import { sqliteSpecifics } from '../sqlite/dialect.js';
import type { Store } from '../store.js';
import { migrations } from './index.js';

let location: TestStoreLocation | undefined;
let store: Store | undefined;
afterEach(async () => {
  await store?.close();
  await location?.cleanup();
});

/** The store at `where`, migrated up to 0009 only (as a store made before 0010 is), over its own connection. */
async function openBefore0010(where: StoreLocation): Promise<Kysely<Database>> {
  const { db, specifics, schema } =
    'dataDir' in where
      ? { db: openSqliteDatabase(where.dataDir), specifics: sqliteSpecifics, schema: undefined }
      : { ...(await openPostgresDatabase({ ...where, poolSize: 1 })), specifics: postgresSpecifics };
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => migrations(specifics) },
    ...(schema !== undefined && { migrationTableSchema: schema }),
  });
  // Kysely's migrator reads every schema of the database, so another test dropping its own schema meanwhile can
  // fail it: tried again, as open-store.ts does.
  let { error } = await migrator.migrateTo('0009-public-link-usage');
  for (let attempt = 1; error !== undefined && specifics.isBusy(error) && attempt < 20; attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 50 * attempt));
    ({ error } = await migrator.migrateTo('0009-public-link-usage'));
  }
  if (error === undefined) return db;
  await db.destroy();
  throw error;
}

it('keys the groups of a store made before 0010 by name, leaving later namesakes without a key', async () => {
  location = await testStoreLocation({ empty: true });
  const db = await openBefore0010(location.location);
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
