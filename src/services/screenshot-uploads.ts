import type { Clock } from '../domain/clock.js';
import type { ContentRecord, StoredContent } from '../domain/records/content.js';
import type { ContentStore } from '../storage/content-store.js';
import { type CheckedScreenshot, checkScreenshot, type ScreenshotLimits } from './screenshot-check.js';

/** An accepted upload, as POST /ingest/v1/screenshots answers it. */
export interface ScreenshotUpload extends Omit<CheckedScreenshot, 'sha256'> {
  /** The SHA-256 (hex) of the bytes: the id an event names the screenshot by. */
  readonly id: string;
  /** False when the app had these bytes already (200 rather than 201). */
  readonly created: boolean;
}

export interface ScreenshotUploadsService {
  readonly limits: ScreenshotLimits;
  /**
   * Checks an uploaded screenshot (services/screenshot-check.ts, ScreenshotRefused) and stores it for `appId`,
   * durably, before it resolves (docs/feedback-content.md, "The wire", step 1).
   */
  upload(appId: string, bytes: Uint8Array, declaredContentType?: string): Promise<ScreenshotUpload>;
  /** A stored screenshot of `appId` with its bytes, or undefined. */
  read(appId: string, sha256: string): Promise<StoredContent | undefined>;
}

export function screenshotUploadsService(
  store: ContentStore,
  clock: Clock,
  limits: ScreenshotLimits,
): ScreenshotUploadsService {
  return {
    limits,

    async upload(appId, bytes, declaredContentType) {
      const checked = await checkScreenshot(bytes, declaredContentType, limits);
      const record: ContentRecord = {
        sha256: checked.sha256,
        mediaType: checked.mediaType,
        width: checked.width,
        height: checked.height,
        byteLength: checked.byteLength,
        uploadedAt: clock.now().toISOString(),
      };
      const stored = await store.putContent(appId, record, bytes);
      return {
        id: checked.sha256,
        mediaType: checked.mediaType,
        width: checked.width,
        height: checked.height,
        byteLength: checked.byteLength,
        created: stored === 'created',
      };
    },

    read: (appId, sha256) => store.readContent(appId, sha256),
  };
}
