import type { SnapshotRecord } from '../domain/records/snapshot.js';

export interface SaveSnapshotOptions {
  /** Replace a snapshot of the same name; without it such a save is refused (SnapshotProblem `exists`). */
  readonly replace: boolean;
}

/**
 * Named snapshots of the whole store, to put it back in a known state (before each test of a suite), while
 * servers run on it. Every table of copy-store.ts's COPIED_TABLES is saved and restored; the migrations'
 * own tables are not touched. Names follow domain/snapshot-name.ts; a bad one, an unknown one, or saving
 * over one without `replace` throws domain/snapshot-problems.ts's SnapshotProblem.
 *
 * A restore replaces every row in one transaction, so other processes and nodes see the snapshot's data at
 * their next read, and sets every app's data version above any it had before (queries/data-versions.ts),
 * so no answer a node keeps from before the restore is served after it.
 *
 * Embedded store: one SQLite file per snapshot, `<data dir>/snapshots/<name>.db` (sqlite/snapshots.ts);
 * PostgreSQL: one schema per snapshot in the same database (postgres/snapshots.ts).
 */
export interface SnapshotAdminStore {
  /** Saves a consistent copy of the whole store under `name`. */
  saveSnapshot(name: string, options: SaveSnapshotOptions): Promise<SnapshotRecord>;
  /** Puts the store back as it was saved under `name`; the snapshot stays, for the next restore. */
  restoreSnapshot(name: string): Promise<SnapshotRecord>;
  /** This store's snapshots, by name (byte order). */
  listSnapshots(): Promise<SnapshotRecord[]>;
  deleteSnapshot(name: string): Promise<void>;
}
