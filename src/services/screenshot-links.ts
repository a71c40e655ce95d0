import type { ContentScreenshot } from '../domain/records/content.js';
import type { ContentUrlSigner, SignedContent } from './content-urls.js';
import { signedContentPath } from './content-urls.js';
import {
  formatOf,
  RENDITION_TEMPLATE,
  type Rendition,
  type RenditionFormat,
  renditionText,
  type StoredImageType,
} from './screenshot-rendition.js';

/**
 * A submission's screenshots as served (docs/feedback-content.md, "Serving"; docs/apple-behavior.md, §12).
 * A stored element is either content this server keeps (`{sha256, mediaType, width, height}`), served as
 * Apple's BetaFeedbackScreenshotImage with signed URLs on the server's base, or an image elsewhere given by
 * URL (written by the API, the CLI or an import before content existed), served as it was stored.
 */

export type { ContentScreenshot };

/** A content screenshot with the signature of its URLs. */
export interface SignedScreenshot extends ContentScreenshot {
  readonly signed: SignedContent;
}

/** Apple's BetaFeedbackScreenshotImage, with the `templateUrl` of Apple's ImageAsset for content. */
export interface ServedScreenshotImage {
  readonly url: string;
  readonly width: number;
  readonly height: number;
  readonly expirationDate?: string;
  readonly templateUrl?: string;
}

/** The two URLs a page shows a screenshot with. */
export interface ScreenshotUrls {
  /** The original at its size, in its format (PNG for a HEIC, which most browsers cannot show). */
  readonly full: string;
  /** A JPEG fitted inside the thumbnail box (the original when that is smaller). */
  readonly thumbnail: string;
  readonly width: number;
  readonly height: number;
}

/** The box a dashboard thumbnail is fitted inside, in pixels. */
export const THUMBNAIL_BOX = { width: 320, height: 320 } as const;

export function isContentScreenshot(value: unknown): value is ContentScreenshot {
  if (typeof value !== 'object' || value === null) return false;
  const element = value as Record<string, unknown>;
  return typeof element.sha256 === 'string' && typeof element.mediaType === 'string';
}

export function isSignedScreenshot(value: unknown): value is SignedScreenshot {
  return isContentScreenshot(value) && typeof (value as { signed?: unknown }).signed === 'object';
}

/** The URL of one rendition of signed content, on `base` (the server's public base URL). */
export function renditionUrl(base: string, signed: SignedContent, rendition: Rendition | string): string {
  const text = typeof rendition === 'string' ? rendition : renditionText(rendition);
  return `${base}${signedContentPath(signed, text)}`;
}

/** Apple's shape of a signed content screenshot, on `base`. */
export function signedScreenshotImage(base: string, screenshot: SignedScreenshot): ServedScreenshotImage {
  const { signed, width, height } = screenshot;
  return {
    url: renditionUrl(base, signed, { width, height, format: formatOf(screenshot.mediaType) }),
    width,
    height,
    expirationDate: new Date(signed.expires * 1000).toISOString(),
    templateUrl: renditionUrl(base, signed, RENDITION_TEMPLATE),
  };
}

/**
 * The screenshots of a submission of `appId` with their content signed: what a read hands the edge, which
 * writes them with `signedScreenshotImage` on its base. Elements given by URL are left as they are.
 */
export function signScreenshots(signer: ContentUrlSigner, appId: string, screenshots: unknown): unknown {
  if (!Array.isArray(screenshots)) return screenshots;
  return screenshots.map((element: unknown) =>
    isContentScreenshot(element) ? { ...element, signed: signer.sign(appId, element.sha256) } : element,
  );
}

/**
 * The URLs to show one screenshot of a submission of `appId` with (the dashboard's): a content screenshot's
 * signed original and JPEG thumbnail on `base`; an image given by URL, its URL for both.
 */
export function screenshotUrls(
  signer: ContentUrlSigner,
  base: string,
  appId: string,
  element: ContentScreenshot | { readonly url: string; readonly width: number; readonly height: number },
): ScreenshotUrls {
  if (!isContentScreenshot(element)) {
    return { full: element.url, thumbnail: element.url, width: element.width, height: element.height };
  }
  const signed = signer.sign(appId, element.sha256);
  const { width, height } = element;
  return {
    full: renditionUrl(base, signed, { width, height, format: shownFormat(element.mediaType) }),
    thumbnail: renditionUrl(base, signed, { ...THUMBNAIL_BOX, format: 'jpg' }),
    width,
    height,
  };
}

function shownFormat(mediaType: StoredImageType): RenditionFormat {
  const format = formatOf(mediaType);
  return format === 'heic' ? 'png' : format;
}
