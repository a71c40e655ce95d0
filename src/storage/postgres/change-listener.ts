import pg from 'pg';
import type { CachedTable, ChangeFeed, StoreChange } from '../change-feed.js';
import { CHANGE_CHANNEL } from './change-triggers.js';
import { OWN_PID, ownSession } from './own-session.js';

/** What the listening session calls itself in pg_stat_activity, with the store's schema after it. */
export const LISTENER_APPLICATION_NAME = 'beta-metrics changes';

/**
 * The session's backend pid (own-session.ts), as each fence asks it once the session watches: a statement
 * prepared once per session, so that PostgreSQL binds and runs it without parsing and planning it again. There
 * is a fence for every few requests a node answers from its caches, each a query on the database every node
 * shares. Not at LISTEN time: behind a pooler that moves sessions (the case that check finds) a named statement
 * may be gone on the next query.
 */
const FENCE: pg.QueryConfig = { name: 'beta_metrics_fence', text: OWN_PID.text };

/** How long a request waits for the listening session's round trip before it reads the store instead. */
const FENCE_TIMEOUT_MS = 1_000;

/** Waits between attempts to listen again: doubling from the first, up to the last, each with jitter. */
const FIRST_RETRY_MS = 100;
const LAST_RETRY_MS = 5_000;

export interface ChangeListenerOptions {
  readonly databaseUrl: string;
  /** The store's schema: what its triggers put before each table's name. */
  readonly schema: string;
  /** The first wait before listening again after the session is lost (tests hold it down with a long one). */
  readonly firstRetryMs?: number;
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
  let listener: (change: StoreChange) => void = () => {};
  let client: pg.Client | undefined;
  let watching = false;
  let started = false;
  let closed = false;
  /** Set when a pooler stands between: the feed then never watches (ownSession). */
  let pooled = false;
  let failures = 0;
  let retry: NodeJS.Timeout | undefined;

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
        watching = true;
        // Anything committed before the LISTEN took effect went unheard.
        listener({});
      })
      .catch(() => lost(session));
  };

  // The round trip `caughtUp` waits for: a query on the listening session. PostgreSQL signals every listener
  // before it answers a commit, and a listening backend sends what it was signalled of before it answers its
  // next query (async.c: at once when idle, else "just before we next go idle"), so once it answers, every
  // change committed before it was sent has been heard. It is sent once the turn of the event loop that asked
  // has read its sockets (`setImmediate`, as SQLite's feed reads data_version): the calls of the turn share it,
  // and it covers every request read in the turn. One at a time: calls made while one is in flight share the
  // next, sent when it is answered. Sent at once instead, pipelined, they were many more round trips for as
  // many answers: the seed's first example, replayed, came at 0.78 of the rate it has this way (BENCHMARKS.md,
  // "One wait per turn on PostgreSQL"). Each asks whether the session is still its own (ownSession).
  let fence: Promise<boolean> | undefined;
  let nextFence: Promise<boolean> | undefined;
  let turnFence: Promise<boolean> | undefined;
  const sendAtTurnEnd = (resolve: (caughtUp: Promise<boolean>) => void) => {
    turnFence = undefined;
    resolve(sendWhileWatching());
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
    const answered = ownSession(session, FENCE).then(
      (own) => own && session === client && watching,
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
      if (fence === undefined) {
        turnFence ??= new Promise((resolve) => setImmediate(sendAtTurnEnd, resolve));
        return turnFence;
      }
      nextFence ??= fence.then(() => {
        nextFence = undefined;
        return sendWhileWatching();
      });
      return nextFence;
    },
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
