import type { Clock } from '../domain/clock.js';
import type { ContentStore } from '../storage/content-store.js';
import type { ContentUrlSigner } from './content-urls.js';
import type { RenderedScreenshot } from './render-screenshot.js';
import { type ContentScreenshot, type ScreenshotUrls, screenshotUrls } from './screenshot-links.js';
import { planRendition, type Rendition, type StoredImageType } from './screenshot-rendition.js';
import { RenditionUnavailable, type ScreenshotRenditions } from './screenshot-renditions.js';

/**
 * What a content URL answers (docs/feedback-content.md, "Serving"; docs/apple-behavior.md, §12), in the
 * live service's order of checks for a URL that needs no token: the signature and expiry (refused), the
 * content (missing), then the rendition (its bytes, from memory, rendered, or the stored original).
 */

/** What the content URLs read of the store: whether an app keeps a screenshot, and its bytes. */
export type ScreenshotContentReads = Pick<ContentStore, 'hasContent' | 'readContent'>;

/** A content URL as requested: its path's parts (the rendition read) and its query's, as sent. */
export interface ContentRequest {
  readonly appId: string;
  readonly sha256: string;
  readonly rendition: Rendition;
  readonly expires: string;
  readonly signature: string;
  /** The `If-None-Match` header, when sent. */
  readonly ifNoneMatch?: string;
}

export type ContentAnswer =
  | { readonly kind: 'refused'; readonly reason: 'invalid' | 'expired' }
  | { readonly kind: 'missing' }
  /** The client's copy (its `If-None-Match`) is this rendition. */
  | { readonly kind: 'notModified'; readonly etag: string; readonly maxAgeSeconds: number }
  | {
      readonly kind: 'image';
      readonly image: RenderedScreenshot;
      readonly etag: string;
      /** Until the URL expires. */
      readonly maxAgeSeconds: number;
    };

export interface ScreenshotContentService {
  /** The answer to a content URL. Throws RenditionUnavailable and RendersBusy (screenshot-renditions.ts). */
  answer(request: ContentRequest): Promise<ContentAnswer>;
  /**
   * The URLs a page shows a screenshot of a submission of `appId` with, on `base` (the server's public base
   * URL): a content screenshot's signed original (PNG for HEIC) and a JPEG thumbnail fitted in 320x320; an
   * image given by URL, its URL for both.
   */
  urls(
    base: string,
    appId: string,
    element: ContentScreenshot | { readonly url: string; readonly width: number; readonly height: number },
  ): ScreenshotUrls;
}

/** The bytes went between the check and the read (a delete): answered as missing. */
class ContentGone extends Error {}

export function screenshotContentService(
  store: ScreenshotContentReads,
  signer: ContentUrlSigner,
  renditions: ScreenshotRenditions,
  clock: Clock,
): ScreenshotContentService {
  return {
    async answer(request) {
      const { appId, sha256, rendition } = request;
      const check = signer.check(appId, sha256, request.expires, request.signature);
      if (check !== 'valid') return { kind: 'refused', reason: check };
      const info = (await store.hasContent(appId, [sha256])).get(sha256);
      if (info === undefined) return { kind: 'missing' };
      const maxAgeSeconds = Math.max(0, Number(request.expires) - Math.floor(clock.now().getTime() / 1000));
      const etag = etagOf(sha256, info, rendition);
      if (etag === undefined) throw new RenditionUnavailable();
      if (matches(request.ifNoneMatch, etag)) return { kind: 'notModified', etag, maxAgeSeconds };
      const bytes = async () => {
        const content = await store.readContent(appId, sha256);
        if (content === undefined) throw new ContentGone();
        return content.bytes;
      };
      try {
        const image = await renditions.render(info, bytes, rendition);
        return { kind: 'image', image, etag, maxAgeSeconds };
      } catch (error) {
        if (error instanceof ContentGone) return { kind: 'missing' };
        throw error;
      }
    },
    urls: (base, appId, element) => screenshotUrls(signer, base, appId, element),
  };
}

/**
 * The entity tag of a rendition, known before it is made: the original's is its SHA-256 (strong: the bytes
 * are those); a rendition's names the size and format made (weak: another encoder version may write other
 * bytes of the same image). Undefined for a rendition that cannot be made (HEIC at another size).
 */
function etagOf(
  sha256: string,
  info: { readonly mediaType: StoredImageType; readonly width: number; readonly height: number },
  rendition: Rendition,
): string | undefined {
  const plan = planRendition(info, rendition);
  if (plan.kind === 'original') return `"${sha256}"`;
  if (plan.kind === 'unavailable') return undefined;
  return `W/"${sha256}-${plan.width}x${plan.height}.${plan.format}"`;
}

/** `If-None-Match` by weak comparison (RFC 9110, 13.1.2): `*`, or any listed tag, W/ or not, equal. */
function matches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (ifNoneMatch === undefined) return false;
  if (ifNoneMatch.trim() === '*') return true;
  const opaque = (tag: string) => tag.trim().replace(/^W\//, '');
  return ifNoneMatch.split(',').some((tag) => opaque(tag) === opaque(etag));
}
