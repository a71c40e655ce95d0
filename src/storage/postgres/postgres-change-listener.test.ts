import pg from 'pg';
import { afterEach, expect, it } from 'vitest';
import { expectCachesWatching, pollUntil } from '../../../test/support/poll-until.js';
import { createMigratedTestSchema, TEST_DATABASE_URL } from '../../../test/support/test-database.js';
import type { ApiKeyRecord } from '../../domain/records/keys.js';
import type { ChangeFeed, StoreChange } from '../change-feed.js';
import { openStore } from '../open-store.js';
import type { Store } from '../store.js';
import { waitUntil } from '../wait-until.js';
import { changeListener, FENCE_LEASE_MS, LISTENER_APPLICATION_NAME } from './change-listener.js';

// The PostgreSQL change feed (change-listener.ts, over the triggers of change-triggers.ts) against the test
// database: what it hears, what it does when its session is killed, and a store's caches over it.

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function schemaWithStore(): Promise<{ schema: string; url: string; store: Store }> {
  const made = await createMigratedTestSchema();
  cleanups.push(made.drop);
  const store = await openStore({ databaseUrl: made.url, poolSize: 2 });
  cleanups.push(() => store.close());
  return { ...made, store };
}

function listen(options: Parameters<typeof changeListener>[0]): { feed: ChangeFeed; heard: StoreChange[] } {
  const feed = changeListener(options);
  const heard: StoreChange[] = [];
  feed.onChange((change) => heard.push(change));
  cleanups.push(() => feed.close());
  return { feed, heard };
}

/** SQL straight on the database: another process, or an operator's psql. */
async function sqlClient(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  cleanups.push(() => client.end());
  return client;
}

const listenerPids = async (client: pg.Client, schema: string): Promise<number[]> =>
  (
    await client.query<{ pid: number }>('select pid from pg_stat_activity where application_name = $1', [
      `${LISTENER_APPLICATION_NAME} ${schema}`,
    ])
  ).rows.map((row) => row.pid);

const key = (keyId: string): ApiKeyRecord => ({
  keyId,
  name: keyId,
  role: 'DEVELOPER',
  kind: 'TEAM',
  publicKey: '-----BEGIN PUBLIC KEY-----\nx\n-----END PUBLIC KEY-----\n',
  createdAt: '2023-01-01T00:00:00.000Z',
  revokedAt: null,
  testing: false,
});

const app = (id: string) => ({
  id,
  name: `App ${id}`,
  bundleId: `com.example.${id}`,
  sku: id,
  primaryLocale: 'en-US',
  createdAt: '2023-01-01T00:00:00.000Z',
});

const tester = (id: string) => ({
  id,
  email: `${id}@example.com`,
  firstName: 'Ada',
  lastName: id,
  inviteType: 'EMAIL' as const,
  createdAt: '2023-01-01T00:00:00.000Z',
});

/** What a writer does before it acknowledges a change (read-caches.ts, `writesSeenEverywhere`). */
const waitOut = (ms: number) => waitUntil(performance.now() + ms);

const watchingSoon = (feed: ChangeFeed) =>
  pollUntil(
    async () => feed.watching(),
    (on) => on,
    5_000,
  );

it("hears each committed change of its own store's cached tables by row, a TRUNCATE by table, and no other store's", async () => {
  const { schema, url, store } = await schemaWithStore();
  const elsewhere = await schemaWithStore();
  const { feed, heard } = listen({ databaseUrl: url, schema });
  expect((await watchingSoon(feed)).met).toBe(true);
  expect(heard).toEqual([{}]);
  heard.length = 0;

  await elsewhere.store.createApiKey(key('ELSEWHERE1'));
  await store.createApiKey(key('KEY0000001'));
  await store.createApp(app('a1'));
  await store.appendUsageEvents([]); // writes nothing, tells nothing
  const sql = await sqlClient(url);
  await sql.query(`update api_keys set role = 'SALES' where key_id = 'KEY0000001'`);
  await store.saveSnapshot('s', { replace: false });
  await store.restoreSnapshot('s');
  const expected: StoreChange[] = [
    { table: 'api_keys', key: 'KEY0000001' },
    // The app's row: its data version exists from now on ("0").
    { table: 'app_data_versions', key: 'a1' },
    { table: 'api_keys', key: 'KEY0000001' },
  ];
  // Notifications arrive in commit order; the restore's come last and include a TRUNCATE of each table.
  const seen = await pollUntil(
    async () => heard,
    (all) => all.some((change) => change.table === 'api_keys' && change.key === undefined),
    1_000,
  );
  expect(seen.met).toBe(true);
  expect(heard.slice(0, expected.length)).toEqual(expected);
  expect(heard).toContainEqual({ table: 'app_data_versions' });
  expect(heard).not.toContainEqual({ table: 'api_keys', key: 'ELSEWHERE1' });
});

it("hears a tester's delete by its key and a TRUNCATE of beta_testers, never an insert or an update", async () => {
  const { schema, url, store } = await schemaWithStore();
  const { feed, heard } = listen({ databaseUrl: url, schema });
  expect((await watchingSoon(feed)).met).toBe(true);
  const testers = () => heard.filter((change) => change.table === 'beta_testers');
  heard.length = 0;

  // Ingestion makes testers in bulk: no notification per row.
  await store.createTesters([tester('t1'), tester('t2')]);
  await store.updateTester('t1', { firstName: 'Grace' });
  const sql = await sqlClient(url);
  await sql.query(`insert into beta_testers (id, email, email_key, invite_type, created_at)
    values ('t3', 't3@example.com', 't3@example.com', 'EMAIL', '2023-01-01T00:00:00.000Z')`);
  await waitOut(feed.lagMs);
  expect(await feed.caughtUp()).toBe(true);
  expect(testers()).toEqual([]);

  await store.deleteTester('t2');
  await sql.query(`delete from beta_testers where id = 't3'`);
  await waitOut(feed.lagMs);
  expect(await feed.caughtUp()).toBe(true);
  expect(testers()).toEqual([
    { table: 'beta_testers', key: 't2' },
    { table: 'beta_testers', key: 't3' },
  ]);

  heard.length = 0;
  await store.saveSnapshot('s', { replace: false });
  await store.restoreSnapshot('s');
  await waitOut(feed.lagMs);
  expect(await feed.caughtUp()).toBe(true);
  expect(testers()).toEqual([{ table: 'beta_testers' }]);
});

it('is caught up, once caughtUp resolves, with every change committed lagMs or more before it was called', async () => {
  const { schema, url, store } = await schemaWithStore();
  const { feed, heard } = listen({ databaseUrl: url, schema });
  expect((await watchingSoon(feed)).met).toBe(true);
  expect(feed.lagMs).toBeGreaterThan(FENCE_LEASE_MS);
  await store.createApiKey(key('KEY0000001'));
  const sql = await sqlClient(url);
  for (let n = 0; n < 30; n++) {
    heard.length = 0;
    // Called right before the write: the fence it trusts (its own, or one sent ahead) was sent before it.
    expect(await feed.caughtUp()).toBe(true);
    await sql.query(`update api_keys set name = $1 where key_id = 'KEY0000001'`, [`name ${n}`]);
    await waitOut(feed.lagMs);
    // No waiting but for caughtUp: several at once share a round trip, or none within the lease.
    expect(await Promise.all([feed.caughtUp(), feed.caughtUp(), feed.caughtUp()])).toEqual([
      true,
      true,
      true,
    ]);
    expect(heard, `update ${n}`).toContainEqual({ table: 'api_keys', key: 'KEY0000001' });
  }
  await feed.close();
  expect(await feed.caughtUp()).toBe(false);
});

it("hears a store's writes once its writesSeenEverywhere resolves, however fresh the fence it trusts", async () => {
  const { schema, url, store } = await schemaWithStore();
  const { feed, heard } = listen({ databaseUrl: url, schema });
  expect((await watchingSoon(feed)).met).toBe(true);
  for (let n = 0; n < 30; n++) {
    expect(await feed.caughtUp()).toBe(true);
    heard.length = 0;
    const keyId = `KEY${String(n).padStart(7, '0')}`;
    await store.createApiKey(key(keyId));
    await store.writesSeenEverywhere();
    expect(await feed.caughtUp()).toBe(true);
    expect(heard, `key ${n}`).toContainEqual({ table: 'api_keys', key: keyId });
  }
});

it('within its lease, answers later turns without a round trip, and sends one ahead once past its half', async () => {
  const { schema, url } = await schemaWithStore();
  const { feed } = listen({ databaseUrl: url, schema, leaseMs: 60_000 });
  expect((await watchingSoon(feed)).met).toBe(true);
  expect(await feed.caughtUp()).toBe(true);
  expect(feed.roundTrips()).toBe(1);
  for (let turn = 0; turn < 20; turn++) expect(await feed.caughtUp()).toBe(true);
  expect(feed.roundTrips()).toBe(1);

  const short = listen({ databaseUrl: url, schema, leaseMs: 400 });
  expect((await watchingSoon(short.feed)).met).toBe(true);
  expect(await short.feed.caughtUp()).toBe(true);
  await waitOut(250);
  // Past half the lease, within it if the machine is not slower than 150 ms a turn: answered, and renewed.
  expect(await short.feed.caughtUp()).toBe(true);
  expect(short.feed.roundTrips()).toBe(2);
});

it('past its lease, makes a call wait for a round trip sent after it, which hears a change no writer waited out', async () => {
  const { schema, url, store } = await schemaWithStore();
  const { feed, heard } = listen({ databaseUrl: url, schema, leaseMs: 50 });
  expect((await watchingSoon(feed)).met).toBe(true);
  await store.createApiKey(key('KEY0000001'));
  const sql = await sqlClient(url);
  for (let n = 0; n < 10; n++) {
    expect(await feed.caughtUp()).toBe(true);
    await waitOut(50);
    heard.length = 0;
    const before = feed.roundTrips();
    await sql.query(`update api_keys set name = $1 where key_id = 'KEY0000001'`, [`name ${n}`]);
    expect(await feed.caughtUp()).toBe(true);
    expect(feed.roundTrips()).toBe(before + 1);
    expect(heard, `update ${n}`).toContainEqual({ table: 'api_keys', key: 'KEY0000001' });
  }
});

it('without a lease, answers the calls of one turn of the event loop with one round trip, sent after the last of them', async () => {
  const { schema, url, store } = await schemaWithStore();
  const { feed, heard } = listen({ databaseUrl: url, schema, leaseMs: 0 });
  expect((await watchingSoon(feed)).met).toBe(true);
  await store.createApiKey(key('KEY0000001'));
  const turn = [feed.caughtUp(), feed.caughtUp(), feed.caughtUp()];
  // One promise: the round trip goes once the turn has read its sockets, so it covers every request read in it.
  expect(new Set(turn).size).toBe(1);
  expect(await Promise.all(turn)).toEqual([true, true, true]);
  // A call of a later turn, after a commit made once that round trip was sent, waits for one of its own.
  const sql = await sqlClient(url);
  heard.length = 0;
  await sql.query(`update api_keys set name = 'later' where key_id = 'KEY0000001'`);
  const later = feed.caughtUp();
  expect(later).not.toBe(turn[0]);
  expect(await later).toBe(true);
  expect(heard).toContainEqual({ table: 'api_keys', key: 'KEY0000001' });
});

it('stops watching when its session is killed, tells that anything may have changed, and listens again', async () => {
  const { schema, url, store } = await schemaWithStore();
  const sql = await sqlClient(TEST_DATABASE_URL);

  // Held down: the first retry is an hour away, so what it does without its session can be seen.
  const held = listen({ databaseUrl: url, schema, firstRetryMs: 3_600_000 });
  expect((await watchingSoon(held.feed)).met).toBe(true);
  const [heldPid] = await listenerPids(sql, schema);
  held.heard.length = 0;
  await sql.query('select pg_terminate_backend($1)', [heldPid]);
  const lost = await pollUntil(
    async () => held.feed.watching(),
    (on) => !on,
    1_000,
  );
  expect(lost.met).toBe(true);
  expect(held.heard).toEqual([{}]);
  await held.feed.close();

  const { feed, heard } = listen({ databaseUrl: url, schema });
  expect((await watchingSoon(feed)).met).toBe(true);
  const [first] = await listenerPids(sql, schema);
  await sql.query('select pg_terminate_backend($1)', [first]);
  const again = await pollUntil(
    async () => ({ watching: feed.watching(), pids: await listenerPids(sql, schema) }),
    ({ watching, pids }) => watching && pids.length === 1 && pids[0] !== first,
    5_000,
  );
  expect(again.met, JSON.stringify(again.value)).toBe(true);
  heard.length = 0;
  await store.createApiKey(key('KEY0000002'));
  const told = await pollUntil(
    async () => heard,
    (all) => all.length > 0,
    1_000,
  );
  expect(told.value).toEqual([{ table: 'api_keys', key: 'KEY0000002' }]);
});

it('keeps a store answering what the database holds while its LISTEN session is killed, and caching once back', async () => {
  const { schema, url, store } = await schemaWithStore();
  const sql = await sqlClient(url);
  const admin = await sqlClient(TEST_DATABASE_URL);
  await store.createApiKey(key('KEY0000001'));
  await store.findApiKey('KEY0000001');
  await expectCachesWatching(store);
  await store.findApiKey('KEY0000001');
  await store.findApiKey('KEY0000001');
  const hits = store.readCaches()?.apiKeys.hits ?? 0;
  expect(hits).toBeGreaterThan(0);

  const [pid] = await listenerPids(admin, schema);
  await admin.query('select pg_terminate_backend($1)', [pid]);
  // Revoked by another process at once, while this store's session is gone or coming back: it must not
  // answer the key it kept, whether it hears the change or not.
  await sql.query(`update api_keys set revoked_at = '2023-02-01T00:00:00.000Z' where key_id = 'KEY0000001'`);
  const refused = await pollUntil(
    () => store.findApiKey('KEY0000001'),
    (found) => found?.revokedAt === '2023-02-01T00:00:00.000Z',
    1_000,
  );
  expect(refused.met).toBe(true);

  // Listening again, it caches again, and hears the next change.
  const back = await pollUntil(
    async () => ({ watching: store.readCaches()?.watching, pids: await listenerPids(admin, schema) }),
    ({ watching, pids }) => watching === true && pids.length === 1 && pids[0] !== pid,
    5_000,
  );
  expect(back.met, JSON.stringify(back.value)).toBe(true);
  await store.findApiKey('KEY0000001');
  const before = store.readCaches()?.apiKeys.hits ?? 0;
  expect(await store.findApiKey('KEY0000001')).toMatchObject({
    role: 'DEVELOPER',
    revokedAt: '2023-02-01T00:00:00.000Z',
  });
  expect(store.readCaches()?.apiKeys.hits).toBe(before + 1);
  await sql.query(`update api_keys set role = 'SALES' where key_id = 'KEY0000001'`);
  const role = await pollUntil(
    async () => (await store.findApiKey('KEY0000001'))?.role,
    (now) => now === 'SALES',
    1_000,
  );
  expect(role.met).toBe(true);
});
