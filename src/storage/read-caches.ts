import { performance } from 'node:perf_hooks';
import type { ApiKeyRecord } from '../domain/records/keys.js';
import type { ReadCacheStats } from '../domain/records/read-cache-stats.js';
import type { CachedTable, ChangeFeed } from './change-feed.js';
import type { KeptReads } from './kept-reads.js';
import { ReadCache } from './read-cache.js';
import type { Store } from './store.js';
import type { AppVersion, BuildVersion } from './usage-store.js';
import { waitUntil } from './wait-until.js';
import { WRITE_EFFECTS } from './write-effects.js';

/** Rows kept per cache: a deployment's keys and apps, many times over, in a few MB at most. */
export const READ_CACHE_ENTRIES = 10_000;

/**
 * The store, with the two reads every request makes of rows that rarely change kept in memory: an API key by
 * id (its revocation check, services/token-verifier.ts) and an app's data version (the page cache's freshness,
 * services/beta-tester-usages.ts). A CPU profile of the repeated metrics page put a fifth of the process in
 * those two reads, most of it Kysely's work around them. The freshness of a beta group's and a build's
 * reports (their app and its version) is kept on top of the app's (`throughTheirApp`), and a tester's
 * existence beside them (`testerAppDataVersions`).
 *
 * What is kept is forgotten when it may have changed:
 * - by a write of this store, once it settles (write-effects.ts), so this process reads its own writes;
 * - by a change `feed` tells of, committed by another process or node (change-feed.ts).
 * A key is answered from memory while the feed is `watching`, so another node's revocation applies within
 * moments: at most DATA_VERSION_POLL_MS on SQLite, a notification's way on PostgreSQL. A data version only
 * once the feed has `caughtUp` with every commit made before the read, so a write acknowledged by any node
 * retires every node's kept pages at once, as when the version was read from the store (docs/architecture.md,
 * "Data versions and the page cache"). While the feed cannot promise either, both reads go to the store, so
 * no answer ever depends on the feed. Snapshot reads (`store.snapshot`) are never cached.
 */
export function withReadCaches(store: Store, feed: ChangeFeed): Store {
  const caches: Record<CachedTable, ReadCache<unknown>> = {
    api_keys: new ReadCache<ApiKeyRecord>(READ_CACHE_ENTRIES),
    app_data_versions: new ReadCache<string>(READ_CACHE_ENTRIES),
    beta_testers: new ReadCache<true>(READ_CACHE_ENTRIES),
  };
  const apiKeys = caches.api_keys as ReadCache<ApiKeyRecord>;
  const appDataVersions = caches.app_data_versions as ReadCache<string>;
  // Which testers exist (`testerAppDataVersions`).
  const testers = caches.beta_testers as ReadCache<true>;
  // A group's and a build's app, with the version it was read at (`throughTheirApp`).
  const groupVersions = new ReadCache<AppVersion>(READ_CACHE_ENTRIES);
  const buildVersions = new ReadCache<BuildVersion>(READ_CACHE_ENTRIES);
  /**
   * A group's or a build's app and that app's data version, kept while the app's version (read through the
   * cache above, caught up with every commit) is still the one it was read with: the app a group or build
   * belongs to never changes while it exists, and every write that makes, changes or deletes one raises its
   * app's version (queries/beta-groups.ts, builds.ts; a restore renews every version, never to an earlier
   * number). So these need no notification of their own, and are as current as the app's version.
   */
  const throughTheirApp =
    <V extends AppVersion>(cache: ReadCache<V>, load: (id: string) => Promise<V | undefined>) =>
    async (id: string): Promise<V | undefined> => {
      const caughtUp = await feed.caughtUp();
      if (caughtUp) {
        const kept = cache.peek(id);
        if (kept !== undefined) {
          const now = await appDataVersions.read(kept.appId, true, (appId) => store.appDataVersion(appId));
          if (now === kept.version) {
            cache.tally(true);
            return kept;
          }
        }
      }
      cache.tally(false);
      const read = await load(id);
      if (caughtUp && read !== undefined) cache.put(id, read);
      return read;
    };
  /**
   * The freshness of a tester's metrics over `appIds`: the tester's existence kept, and each app's version
   * through the cache above, both only once the feed has caught up, as data versions are: a tester deleted
   * through any node answers as gone on every node at once (its delete and a TRUNCATE are told: migration
   * 0013). A tester not kept is read with its apps' versions in the store's one read, as without the cache.
   */
  const testerAppDataVersions = async (
    testerId: string,
    appIds: readonly string[],
  ): Promise<Map<string, string> | undefined> => {
    const caughtUp = await feed.caughtUp();
    const read: { versions?: Map<string, string> | undefined } = {};
    const exists = await testers.read(testerId, caughtUp, async (id) => {
      read.versions = await store.testerAppDataVersions(id, appIds);
      return read.versions === undefined ? undefined : true;
    });
    if (exists === undefined || 'versions' in read) return read.versions;
    const versions = new Map<string, string>();
    for (const appId of new Set(appIds)) {
      const version = await appDataVersions.read(appId, caughtUp, (id) => store.appDataVersion(id));
      if (version !== undefined) versions.set(appId, version);
    }
    return versions;
  };
  /** The same reads, answered from what is kept alone (kept-reads.ts); a group's or build's as throughTheirApp. */
  const keptThroughTheirApp =
    <V extends AppVersion>(cache: ReadCache<V>) =>
    (id: string): V | undefined => {
      const kept = cache.peek(id);
      if (kept === undefined || appDataVersions.readKept(kept.appId) !== kept.version) return undefined;
      cache.tally(true);
      return kept;
    };
  /** When this process's last write of a cached table ended (performance.now()). */
  let changedAt = Number.NEGATIVE_INFINITY;
  /**
   * Resolves once every node's `caughtUp` tells the writes of cached tables this process ended before the call
   * (their `lagMs` has passed since): what a write's acknowledgement waits for, so that a request read after it
   * by any node is answered with the write (change-feed.ts).
   */
  const writesSeenEverywhere = () => waitUntil(changedAt + feed.lagMs);
  const keptReads: KeptReads = {
    caughtUp: () => feed.caughtUp(),
    apiKey: (keyId) => (feed.watching() ? apiKeys.readKept(keyId) : undefined),
    appDataVersion: (appId) => appDataVersions.readKept(appId),
    groupDataVersion: keptThroughTheirApp(groupVersions),
    buildDataVersion: keptThroughTheirApp(buildVersions),
    testerAppDataVersions(testerId, appIds) {
      if (testers.readKept(testerId) === undefined) return undefined;
      const versions = new Map<string, string>();
      for (const appId of appIds) {
        const version = appDataVersions.readKept(appId);
        if (version === undefined) return undefined;
        versions.set(appId, version);
      }
      return versions;
    },
  };
  feed.onChange((change) => {
    if (change.table !== undefined) caches[change.table].forget(change.key);
    else for (const cache of Object.values(caches)) cache.forget();
  });

  const overrides = new Map<PropertyKey, unknown>([
    ['findApiKey', (keyId: string) => apiKeys.read(keyId, feed.watching(), (id) => store.findApiKey(id))],
    [
      'appDataVersion',
      async (appId: string) =>
        appDataVersions.read(appId, await feed.caughtUp(), (id) => store.appDataVersion(id)),
    ],
    ['groupDataVersion', throughTheirApp(groupVersions, (id) => store.groupDataVersion(id))],
    ['buildDataVersion', throughTheirApp(buildVersions, (id) => store.buildDataVersion(id))],
    ['testerAppDataVersions', testerAppDataVersions],
    [
      'readCaches',
      (): ReadCacheStats => ({
        watching: feed.watching(),
        roundTrips: feed.roundTrips(),
        apiKeys: apiKeys.counts(),
        appDataVersions: appDataVersions.counts(),
        groupVersions: groupVersions.counts(),
        buildVersions: buildVersions.counts(),
        testers: testers.counts(),
      }),
    ],
    ['keptReads', () => keptReads],
    ['writesSeenEverywhere', writesSeenEverywhere],
    [
      'close',
      async () => {
        // A CLI command acknowledges its writes by ending.
        await writesSeenEverywhere();
        await feed.close();
        await store.close();
      },
    ],
  ]);
  for (const [method, tables] of Object.entries(WRITE_EFFECTS)) {
    if (tables.length === 0) continue;
    const write = (store as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>)[method];
    if (write === undefined) throw new Error(`the store has no write ${method}`);
    overrides.set(method, async (...args: unknown[]) => {
      try {
        return await write.apply(store, args);
      } finally {
        for (const table of tables) caches[table].forget();
        changedAt = performance.now();
      }
    });
  }

  return new Proxy(store, {
    get: (target, property, receiver) =>
      overrides.has(property) ? overrides.get(property) : Reflect.get(target, property, receiver),
  });
}
