import type { ImageMediaType } from '../image-bytes.js';

/**
 * An uploaded screenshot of an app, as the store keeps it (docs/feedback-content.md, "Storage"): named by the
 * SHA-256 (lowercase hex) of its bytes, with what they are. `uploadedAt` is ISO 8601 in UTC with milliseconds.
 */
export interface ContentRecord {
  readonly sha256: string;
  readonly mediaType: ImageMediaType;
  /** Pixels. */
  readonly width: number;
  readonly height: number;
  readonly byteLength: number;
  readonly uploadedAt: string;
}

/** A stored screenshot with its bytes, as read back. */
export interface StoredContent extends Omit<ContentRecord, 'sha256' | 'uploadedAt'> {
  readonly bytes: Buffer;
}

/** A screenshot a submission names (the elements of its `screenshots` when it came from an event). */
export interface ContentScreenshot {
  readonly sha256: string;
  readonly mediaType: ImageMediaType;
  readonly width: number;
  readonly height: number;
}
