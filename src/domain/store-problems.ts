/**
 * What a store write or read can fail with, typed so every caller (services, the API edge, the dashboard, the
 * CLI) can tell them apart without knowing the store: storage raises them, the edges turn them into answers.
 */

/** The kinds of rows a write names, so a caller can tell which of its inputs a problem is about. */
export type StoreRowKind = 'app' | 'tester' | 'build' | 'betaGroup' | 'preReleaseVersion' | 'crashLog';

/** One row a write named: its kind and id. */
export interface StoreRow {
  readonly kind: StoreRowKind;
  readonly id: string;
}

/**
 * A unique constraint refused the write; `what` names it (`app id`, `bundle id`, `email`, ...). Where the
 * store knows them, `row` is the row that is linked already and `holder` the one it is linked to (tester t1,
 * already in beta group g1).
 */
export class StoreConflictError extends Error {
  constructor(
    readonly what: string,
    readonly row?: StoreRow,
    readonly holder?: StoreRow,
  ) {
    super(`${what} already exists`);
    this.name = 'StoreConflictError';
  }
}

/**
 * A write named a row that does not exist (an unknown app or tester). Where the store knows it, `row` is that
 * row and `holder` the row it had to belong to (build b2, of app a1: it exists, but in another app).
 */
export class StoreReferenceError extends Error {
  constructor(
    readonly what: string,
    readonly row?: StoreRow,
    readonly holder?: StoreRow,
  ) {
    super(`${what} does not exist`);
    this.name = 'StoreReferenceError';
  }
}

/**
 * The database cannot serve now: it is down or out of reach, refuses connections, is read-only, out of disk or
 * timed out on a lock (BackendSpecifics.isUnavailable). Callers answer 503 and try again later.
 */
export class StoreUnavailableError extends Error {
  /**
   * What the database said, short and free of secrets: its code and the first line of its message
   * (`SQLITE_FULL: database or disk is full`, `3D000: database "x" does not exist`); see unavailableCause.
   */
  override readonly cause: string;

  constructor(cause = 'unknown') {
    super(`the database cannot serve now (${cause})`);
    this.name = 'StoreUnavailableError';
    this.cause = cause;
  }
}
