import { performance } from 'node:perf_hooks';
import type { ChangeFeed, StoreChange } from '../change-feed.js';
import type { SqliteConnection } from './connection.js';

/**
 * How often, at most, the store's connection asks SQLite whether another connection committed: a CLI command
 * or another server on the same file is seen by this process within this long (and a revoked key refused).
 */
export const DATA_VERSION_POLL_MS = 200;

/**
 * The embedded store's change feed (change-feed.ts): `PRAGMA data_version` on the store's own connection,
 * which SQLite changes whenever another connection (another process, or another store on the same file)
 * has committed since it was last read; this connection's own commits leave it as it is (SQLite's
 * documentation of PRAGMA data_version), and read-caches.ts tells those itself. It names no table or row,
 * so a change forgets everything.
 *
 * A synchronous call of better-sqlite3 that takes 2 to 6 µs alone (5.5 µs measured on a loaded 2-core VM), as
 * long as a primary-key read through better-sqlite3 itself (what the caches spare is Kysely's work around each
 * read, not SQLite's). `watching` reads it at most every `pollMs`, needing no timer. `caughtUp` needs a read
 * made after it was called; the calls of one turn of the event loop share one, made once the turn's I/O
 * callbacks have run (`setImmediate`): under load the requests read off many sockets in one turn each made
 * their own (about 13 µs a request of a replayed answer's 81 on a 2-core VM, docs/architecture.md, "Answer
 * replay"), and a read made after a call still sees every commit made before it.
 */
export function dataVersionFeed(connection: SqliteConnection, pollMs = DATA_VERSION_POLL_MS): ChangeFeed {
  const dataVersion = connection.prepare('pragma data_version').pluck();
  let seen: unknown = dataVersion.get();
  let polledAt = performance.now();
  let listener: (change: StoreChange) => void = () => {};
  // The read the calls of caughtUp made since the last one will share.
  let nextRead: Promise<boolean> | undefined;
  const readForWaiting = (resolve: (caughtUp: boolean) => void) => {
    nextRead = undefined;
    if (!connection.open) return resolve(false);
    try {
      poll(performance.now());
      resolve(true);
    } catch {
      // Not caught up: the caches read the store, which answers (or fails) on its own.
      resolve(false);
    }
  };
  const poll = (now: number) => {
    polledAt = now;
    const current: unknown = dataVersion.get();
    if (current !== seen) {
      seen = current;
      listener({});
    }
  };
  return {
    watching() {
      if (!connection.open) return false;
      const now = performance.now();
      if (now - polledAt >= pollMs) poll(now);
      return true;
    },
    caughtUp() {
      if (!connection.open) return Promise.resolve(false);
      nextRead ??= new Promise((resolve) => setImmediate(readForWaiting, resolve));
      return nextRead;
    },
    lagMs: 0,
    roundTrips: () => 0,
    onChange(told) {
      listener = told;
    },
    close: async () => {},
  };
}
