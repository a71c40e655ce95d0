import type { ContentRecord, StoredContent } from '../domain/records/content.js';

/** What putContent did: stored the bytes, or found them stored already for the app. */
export type PutContentResult = 'created' | 'existing';

/**
 * Uploaded screenshots, per app, by the SHA-256 of their bytes (docs/feedback-content.md, "Storage"). The
 * embedded store keeps the bytes as files, `<data dir>/content/<first two hex>/<sha256>` (sqlite/content-files.ts);
 * PostgreSQL as large objects (postgres/large-objects.ts). A blob is kept while a submission names it
 * (`feedback_screenshot_contents`): deleting the last submission that names it deletes it (DirectoryStore's
 * deletes), and an upload nothing names is deleted by pruneUnnamedContent.
 */
export interface ContentStore {
  /**
   * Stores `bytes` as `content.sha256` of `appId`, durably before it resolves; 'existing' when the app has
   * them already (nothing is written then). The caller has checked the bytes and hashed them
   * (services/screenshot-check.ts). StoreReferenceError when there is no such app.
   */
  putContent(appId: string, content: ContentRecord, bytes: Uint8Array): Promise<PutContentResult>;
  /** The stored screenshot `sha256` of `appId` with its bytes, or undefined. */
  readContent(appId: string, sha256: string): Promise<StoredContent | undefined>;
  /** Which of `sha256s` `appId` has, each with what it is. */
  hasContent(appId: string, sha256s: readonly string[]): Promise<Map<string, ContentRecord>>;
  /**
   * Deletes up to `limit` uploads made before `uploadedBefore` that no submission names, bytes and all; how
   * many it deleted.
   */
  pruneUnnamedContent(uploadedBefore: string, limit: number): Promise<number>;
  /**
   * Deletes up to `limit` submissions of each kind that came from events (docs/feedback-content.md,
   * "Lifecycle": content follows the retention period of raw events) dated before `before`, with their content;
   * how many it deleted. Their events' counts stay, as the raw events' prune leaves the rollups.
   */
  pruneFeedbackContent(before: string, limit: number): Promise<number>;
}
