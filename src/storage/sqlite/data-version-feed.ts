import { performance } from 'node:perf_hooks';
import type { ChangeFeed, StoreChange } from '../change-feed.js';
import type { SqliteConnection } from './connection.js';

/**
 * How often, at most, the store's connection asks SQLite whether another connection committed: a CLI command
 * or another server on the same file is seen by this process within this long (and a revoked key refused).
 */
export const DATA_VERSION_POLL_MS = 200;

/**
 * How long a read of data_version answers `caughtUp` for: a turn of the event loop whose requests began within
 * this long of the last read trusts it instead of making its own. Under load a turn lasts a fraction of a
 * millisecond, so each made one: a read is a synchronous call of better-sqlite3 with two `fcntl` locks and a
 * `newfstatat`, 2.9% of the samples of a server replaying the 91 KB page on a slow VM (`npm run
 * bench:profile -- --load metrics`), and the server's CPU an answer 58.1 -> 49.7 µs with a lease of this
 * length (BENCHMARKS.md, "Paired with bare node:http, round by round"). Two milliseconds cost each write of a
 * cached table three before its acknowledgement (`lagMs`), and a CLI command as much before it ends.
 */
export const DATA_VERSION_LEASE_MS = 2;

/**
 * What a writer waits beyond the lease: both clocks are this machine's (one file, one host), so the margin is
 * for a timer's granularity, not for clocks running apart.
 */
const LAG_MARGIN_MS = 1;

export interface DataVersionFeedOptions {
  /** DATA_VERSION_POLL_MS unless set: how often `watching` reads data_version at most. */
  readonly pollMs?: number;
  /** DATA_VERSION_LEASE_MS unless set; 0 makes every turn read data_version and no writer wait. */
  readonly leaseMs?: number;
}

/**
 * The embedded store's change feed (change-feed.ts): `PRAGMA data_version` on the store's own connection,
 * which SQLite changes whenever another connection (another process, or another store on the same file)
 * has committed since it was last read; this connection's own commits leave it as it is (SQLite's
 * documentation of PRAGMA data_version), and read-caches.ts tells those itself. It names no table or row,
 * so a change forgets everything.
 *
 * A synchronous call of better-sqlite3 that takes 2 to 6 µs alone (5.5 µs measured on a loaded 2-core VM), as
 * long as a primary-key read through better-sqlite3 itself (what the caches spare is Kysely's work around each
 * read, not SQLite's). `watching` reads it at most every `pollMs`, needing no timer. `caughtUp` resolves once
 * the turn of the event loop that called has read its sockets (`setImmediate`), for all of that turn's calls:
 * with a read made then, which sees every commit made before it, unless one was made within `leaseMs`. Trusting
 * that read is what PostgreSQL's feed does with a fence (postgres/change-listener.ts): a commit it may not have
 * seen was made less than `lagMs` before the call, and every writer waits `lagMs` after its commit before it
 * acknowledges (read-caches.ts, `writesSeenEverywhere`), so no request sent after an acknowledgement is
 * answered without the change.
 */
export function dataVersionFeed(
  connection: SqliteConnection,
  options: DataVersionFeedOptions = {},
): ChangeFeed {
  const pollMs = options.pollMs ?? DATA_VERSION_POLL_MS;
  const leaseMs = options.leaseMs ?? DATA_VERSION_LEASE_MS;
  const dataVersion = connection.prepare('pragma data_version').pluck();
  let seen: unknown = dataVersion.get();
  /** When the last read of data_version began (performance.now()): it saw every commit made before then. */
  let polledAt = performance.now();
  let listener: (change: StoreChange) => void = () => {};
  // The read the calls of caughtUp made since the last one will share.
  let nextRead: Promise<boolean> | undefined;
  const readForWaiting = (resolve: (caughtUp: boolean) => void) => {
    nextRead = undefined;
    if (!connection.open) return resolve(false);
    const now = performance.now();
    // Made after every call it answers began: it covers them if their own read would have been trusted.
    if (now - polledAt < leaseMs) return resolve(true);
    try {
      poll(now);
      resolve(true);
    } catch {
      // Not caught up: the caches read the store, which answers (or fails) on its own.
      resolve(false);
    }
  };
  const poll = (now: number) => {
    const current: unknown = dataVersion.get();
    // Only a read that succeeded is trusted for the lease.
    polledAt = now;
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
    lagMs: leaseMs > 0 ? leaseMs + LAG_MARGIN_MS : 0,
    roundTrips: () => 0,
    onChange(told) {
      listener = told;
    },
    close: async () => {},
  };
}
