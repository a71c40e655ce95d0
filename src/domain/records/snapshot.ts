/** A saved snapshot of a whole store (storage/snapshot-admin-store.ts). */
export interface SnapshotRecord {
  readonly name: string;
  /** When it was saved: ISO 8601, UTC, with milliseconds. */
  readonly savedAt: string;
}
