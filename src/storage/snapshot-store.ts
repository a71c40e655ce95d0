import type { DashboardReads } from './dashboard-store.js';
import type { DirectoryReads } from './directory-store.js';
import type { ResourceReads } from './resource-reads.js';
import type { UsageReads } from './usage-store.js';

/** The reads a page makes in one snapshot: the directory, its resources, usage, and the dashboard's page reads. */
export interface SnapshotReads extends DirectoryReads, ResourceReads, UsageReads, DashboardReads {}

/** A store whose several reads can agree with each other; `Reader` is what a caller reads in a snapshot. */
export interface SnapshotStore<Reader = SnapshotReads> {
  /**
   * Runs `read` against one consistent snapshot of the store, so the several reads of a page (total, rows,
   * values) agree with each other even while writes go on. With a PostgreSQL read replica configured, it reads
   * the replica (which may lag the primary by its replication delay); every other method uses the primary.
   */
  snapshot<T>(read: (reader: Reader) => Promise<T>): Promise<T>;
  /**
   * Runs `read`, which makes ONE statement, where `snapshot` reads (the replica when configured), without a
   * transaction around it: a statement reads one snapshot by itself, and on PostgreSQL the transaction's own
   * BEGIN and COMMIT would be two round trips of the three.
   */
  statement<T>(read: (reader: Reader) => Promise<T>): Promise<T>;
}
