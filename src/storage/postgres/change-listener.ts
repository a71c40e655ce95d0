import { performance } from 'node:perf_hooks';
import pg from 'pg';
import type { CachedTable, ChangeFeed, StoreChange } from '../change-feed.js';
import { CHANGE_CHANNEL } from './change-triggers.js';
import { OWN_PID, ownSession } from './own-session.js';

/** What the listening session calls itself in pg_stat_activity, with the store's schema after it. */
export const LISTENER_APPLICATION_NAME = 'beta-metrics changes';

/**
 * The session's backend pid (own-session.ts), as each fence asks it once the session watches: a statement
 * prepared once per session, so that PostgreSQL binds and runs it without parsing and planning it again. Under
 * load a node sends one every half lease, each a query on the database every node shares. Not at LISTEN time:
 * behind a pooler that moves sessions (the case that check finds) a named statement may be gone on the next
 * query.
 */
const FENCE: pg.QueryConfig = { name: 'beta_metrics_fence', text: OWN_PID.text };

/** How long a request waits for the listening session's round trip before it reads the store instead. */
const FENCE_TIMEOUT_MS = 1_000;

/**
 * How long a fence answered stands for a round trip of each call's own (`caughtUp`): a call within it needs no
 * wait, and every write is acknowledged no sooner than this after it committed (`lagMs`). Under load, fences
 * take under a millisecond here (1,539 a second, one at a time: BENCHMARKS.md, "One wait per turn on
 * PostgreSQL"); ten leave room for a loaded machine before calls wait, and cost each write ten.
 */
export const FENCE_LEASE_MS = 10;

/**
 * What a writer waits beyond the lease: for the two clocks that measure it (this node's from a fence's send, a
 * writer's from its commit, perhaps on another machine) to disagree on ten milliseconds by this much, they would
 * have to run apart by a tenth, where NTP slews a clock by 0.05% at most.
 */
const LAG_MARGIN_MS = 1;

/** Waits between attempts to listen again: doubling from the first, up to the last, each with jitter. */
const FIRST_RETRY_MS = 100;
const LAST_RETRY_MS = 5_000;

export interface ChangeListenerOptions {
  readonly databaseUrl: string;
  /** The store's schema: what its triggers put before each table's name. */
  readonly schema: string;
  /** The first wait before listening again after the session is lost (tests hold it down with a long one). */
  readonly firstRetryMs?: number;
  /** How long a fence answered stands for others (FENCE_LEASE_MS); tests set 0 (never) or a long one. */
  readonly leaseMs?: number;
}

/** Tables the triggers notify (change-triggers.ts), as the caches they concern. */
const CACHE_OF_TABLE: Readonly<Record<string, CachedTable>> = {
  api_keys: 'api_keys',
  app_data_versions: 'app_data_versions',
  apps: 'app_data_versions',
  // Deletes and TRUNCATEs only (migration 0013): what ends a tester's existence.
  beta_testers: 'beta_testers',
};

/**
 * PostgreSQL's change feed (change-feed.ts): one session of its own per store, outside the pool, that
 * LISTENs to what the triggers of migrations 0012 and 0013 notify (change-triggers.ts) and tells each change
 * of this store's schema. It opens when a cache is first read (a CLI command that reads no key opens none).
 *
 * It is `watching` only from the moment its LISTEN is in force until the session is lost (the server
 * restarted, the connection killed or broken; TCP keepalive finds a silent one): until then and from then,
 * the caches read the store, so no answer ever depends on a notification arriving. Every start and loss of
 * watching forgets everything (a change may have gone unheard), and it listens again after a backoff. Behind
 * a pooler that moves sessions between clients (PgBouncer in transaction mode) it never watches: the caches
 * stay off, and every read goes to the store as before.
 */
export function changeListener(options: ChangeListenerOptions): ChangeFeed {
  const firstRetryMs = options.firstRetryMs ?? FIRST_RETRY_MS;
  const leaseMs = options.leaseMs ?? FENCE_LEASE_MS;
  let listener: (change: StoreChange) => void = () => {};
  let client: pg.Client | undefined;
  let watching = false;
  let started = false;
  let closed = false;
  /** Set when a pooler stands between: the feed then never watches (ownSession). */
  let pooled = false;
  let failures = 0;
  let retry: NodeJS.Timeout | undefined;
  /** When the last fence answered on the watching session was sent (performance.now()); reset as watching starts. */
  let answeredFenceSentAt = Number.NEGATIVE_INFINITY;

  // '<schema>.<table>' or '<schema>.<table>:<key>' (change-triggers.ts); other schemas are other stores.
  const ours = `${options.schema}.`;
  const heard = (payload: string) => {
    if (!payload.startsWith(ours)) return;
    const rest = payload.slice(ours.length);
    const separator = rest.indexOf(':');
    const table = CACHE_OF_TABLE[separator < 0 ? rest : rest.slice(0, separator)];
    if (table === undefined) listener({});
    else listener(separator < 0 ? { table } : { table, key: rest.slice(separator + 1) });
  };

  const lost = (session: pg.Client) => {
    if (session !== client) return;
    client = undefined;
    if (watching) {
      watching = false;
      listener({});
    }
    session.end().catch(() => {});
    if (closed || pooled) return;
    const delay = Math.min(Math.max(LAST_RETRY_MS, firstRetryMs), firstRetryMs * 2 ** failures);
    const jittered = delay * (0.5 + Math.random() / 2);
    failures++;
    retry = setTimeout(listen, jittered);
    retry.unref();
  };

  const listen = () => {
    retry = undefined;
    const session = new pg.Client({
      connectionString: options.databaseUrl,
      application_name: `${LISTENER_APPLICATION_NAME} ${options.schema}`.slice(0, 63),
      connectionTimeoutMillis: 5_000,
      keepAlive: true,
    });
    client = session;
    session.on('notification', (message) => {
      if (message.channel === CHANGE_CHANNEL && session === client) heard(message.payload ?? '');
    });
    session.on('error', () => lost(session));
    session.on('end', () => lost(session));
    session
      .connect()
      .then(() => session.query(`listen ${CHANGE_CHANNEL}`))
      .then(() => ownSession(session))
      .then((own) => {
        if (session !== client) return;
        if (closed) return lost(session);
        if (!own) {
          // A pooler in front (PgBouncer in transaction mode) hands each transaction another server session:
          // the LISTEN stays on one the next client gets. Nothing heard could be trusted, so never watch.
          pooled = true;
          return lost(session);
        }
        failures = 0;
        answeredFenceSentAt = Number.NEGATIVE_INFINITY;
        watching = true;
        // Anything committed before the LISTEN took effect went unheard.
        listener({});
      })
      .catch(() => lost(session));
  };

  // The round trip `caughtUp` may wait for: a query on the listening session, a fence. PostgreSQL signals every
  // listener before it answers a commit, and a listening backend sends what it was signalled of before it
  // answers its next query (async.c: at once when idle, else "just before we next go idle"), so once a fence is
  // answered, every change committed before it was sent has been heard. For `leaseMs` after it was sent, a fence
  // answered stands for a round trip of each call's own: every writer acknowledges a change no sooner than
  // `lagMs` after its commit (read-caches.ts, `writesSeenEverywhere`), so a change acknowledged before a call
  // committed before that fence was sent (docs/architecture.md, "Read caches"). Waiting for a round trip of
  // their own made the answers come in waves, one a round trip (BENCHMARKS.md, "The writer waits, not the
  // reader"). Past the lease, a call waits for a fence sent once the turn of the event loop that asked has read
  // its sockets (`setImmediate`, as SQLite's feed reads data_version), so that it covers every request read in
  // the turn; one at a time: calls made while one is in flight share the next, sent when it is answered (unless
  // that one, answered, renews the lease). Sent at once instead, pipelined, they were many more round trips for
  // as many answers (BENCHMARKS.md, "One wait per turn on PostgreSQL"). A fence is sent ahead while the lease is
  // past its half and calls keep coming, so that under load they never wait. Each asks whether the session is
  // still its own (ownSession).
  let fence: Promise<boolean> | undefined;
  let nextFence: Promise<boolean> | undefined;
  let turnCheck: Promise<boolean> | undefined;
  let roundTrips = 0;
  const leased = (now: number) => watching && now - answeredFenceSentAt <= leaseMs;
  const checkAtTurnEnd = (resolve: (caughtUp: boolean | Promise<boolean>) => void) => {
    turnCheck = undefined;
    const now = performance.now();
    if (leased(now)) {
      if (fence === undefined && now - answeredFenceSentAt > leaseMs / 2) void sendWhileWatching();
      return resolve(true);
    }
    if (fence === undefined) return resolve(sendWhileWatching());
    // The fence in flight was sent before some of these calls: answered within its lease it covers them too
    // (every change acknowledged before them committed before it was sent), else the next one does.
    nextFence ??= fence.then(() => {
      nextFence = undefined;
      return leased(performance.now()) || sendWhileWatching();
    });
    resolve(nextFence);
  };
  /** A fence on the session as it is now; false at once if it is gone or no longer watching. */
  const sendWhileWatching = (): Promise<boolean> => {
    const session = client;
    return watching && session !== undefined ? sendFence(session) : Promise.resolve(false);
  };
  const sendFence = (session: pg.Client): Promise<boolean> => {
    // A session that stops answering (the database hangs without closing connections) must not hold the
    // request: past FENCE_TIMEOUT_MS the read goes to the store, whose queries time out on their own (503), and
    // the session, no longer trusted, is dropped and made again.
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => {
        if (session === client) lost(session);
        else void session.end().catch(() => {});
        resolve(false);
      }, FENCE_TIMEOUT_MS);
      timer.unref();
    });
    // Taken before the query is queued: sent later, the fence covers more, never less.
    const sentAt = performance.now();
    roundTrips++;
    const answered = ownSession(session, FENCE).then(
      (own) => {
        const current = own && session === client && watching;
        if (current) answeredFenceSentAt = Math.max(answeredFenceSentAt, sentAt);
        return current;
      },
      () => false,
    );
    const sent = Promise.race([answered, late]).finally(() => clearTimeout(timer));
    fence = sent.finally(() => {
      fence = undefined;
    });
    return fence;
  };

  const feed: ChangeFeed = {
    watching() {
      if (!started && !closed) {
        started = true;
        listen();
      }
      return watching;
    },
    caughtUp() {
      if (!feed.watching() || client === undefined) return Promise.resolve(false);
      turnCheck ??= new Promise((resolve) => setImmediate(checkAtTurnEnd, resolve));
      return turnCheck;
    },
    lagMs: leaseMs + LAG_MARGIN_MS,
    roundTrips: () => roundTrips,
    onChange(told) {
      listener = told;
    },
    async close() {
      closed = true;
      watching = false;
      if (retry !== undefined) clearTimeout(retry);
      const session = client;
      client = undefined;
      await session?.end().catch(() => {});
    },
  };
  return feed;
}
