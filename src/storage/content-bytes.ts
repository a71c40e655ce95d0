import type { Kysely } from 'kysely';
import type { ContentRecord, StoredContent } from '../domain/records/content.js';
import type { PutContentResult } from './content-store.js';
import type { Database } from './schema.js';

/** A `content_blobs` row a write deleted: what its bytes were kept as. */
export interface ReleasedBlob {
  readonly sha256: string;
  /** PostgreSQL's large object, or null (SQLite keeps files). */
  readonly largeObject: number | string | null;
}

/**
 * Where each backend keeps the bytes of `content_blobs` (docs/feedback-content.md, "Storage"): the one
 * difference of content between backends, one object per open store as its snapshots are (it may need the
 * data directory). `sqlite/content-files.ts`: files of the data directory; `postgres/large-objects.ts`: large
 * objects, in the transaction of their row.
 */
export interface ContentBytes {
  /** Stores the row and the bytes of a new blob of `appId`, both durable before it resolves. */
  put(
    db: Kysely<Database>,
    appId: string,
    content: ContentRecord,
    bytes: Uint8Array,
  ): Promise<PutContentResult>;
  /** The blob with its bytes, or undefined. */
  read(db: Kysely<Database>, appId: string, sha256: string): Promise<StoredContent | undefined>;
  /**
   * Gives the existing row `sha256` of `appId` its bytes inside the caller's write transaction `trx`: a copy
   * of a whole store (copy-store.ts) moves rows as they are, then their bytes with this.
   */
  attach(trx: Kysely<Database>, appId: string, sha256: string, bytes: Uint8Array): Promise<void>;
  /** In the write transaction that deleted `released` rows: what must go with them in it (large objects). */
  releaseInTransaction(trx: Kysely<Database>, released: readonly ReleasedBlob[]): Promise<void>;
  /** Once that transaction committed: what can go only then (files no row names any longer). */
  releaseAfterCommit(db: Kysely<Database>, released: readonly ReleasedBlob[]): Promise<void>;
  /**
   * Deletes bytes that no row names and that are older than `before` (wall clock): what a crash between
   * writing bytes and committing their row left behind. How many it deleted.
   */
  sweepOrphans(db: Kysely<Database>, before: Date): Promise<number>;
}
