import type { ScreenshotImage } from '../domain/records/feedback.js';
import type { ContentUrlSigner } from '../services/content-urls.js';
import { type ContentScreenshot, isContentScreenshot, screenshotUrls } from '../services/screenshot-links.js';

/**
 * The box the page shows a thumbnail in, in CSS pixels: smaller than the thumbnail image (services/
 * screenshot-links.ts THUMBNAIL_BOX), so it stays sharp on most screens, and its size is known before it loads
 * (the page does not move as images arrive).
 */
export const SHOWN_BOX = 200;

/** How the inbox shows one screenshot of a submission. */
export interface ScreenshotLink {
  /** The full image, opened in a new tab. */
  readonly full: string;
  /** The original's size in pixels. */
  readonly width: number;
  readonly height: number;
  /**
   * The image the page shows and its size on the page (fitted in SHOWN_BOX): only when its address is of this
   * server, given as a path, since the dashboard's Content-Security-Policy loads images from its own origin
   * alone (img-src 'self').
   */
  readonly thumbnail?: { readonly src: string; readonly width: number; readonly height: number };
}

/** A stored element of a submission's screenshots: content this server keeps, or an image given by URL. */
export type StoredScreenshot = ContentScreenshot | ScreenshotImage;

export type ScreenshotLinker = (appId: string, element: StoredScreenshot) => ScreenshotLink;

/** `width` x `height` fitted in a square box of `box` pixels, never enlarged. */
export function fitInBox(width: number, height: number, box: number): { width: number; height: number } {
  const scale = Math.min(1, box / Math.max(width, height));
  return {
    width: Math.max(1, Math.round(width * scale)),
    height: Math.max(1, Math.round(height * scale)),
  };
}

/**
 * How a page shows screenshots. Content this server keeps (docs/feedback-content.md, "Serving") as its signed
 * URLs on no base: paths of this origin, so img-src 'self' loads them whatever host or proxy the page was
 * reached through; the thumbnail is the JPEG rendition services/screenshot-links.ts picks, the full image the
 * original (PNG for a HEIC). An image given by URL (`feedback screenshot --screenshot URL:W:H`, the demo, an
 * import) as legacyLink does.
 */
export function screenshotLinker(signer: ContentUrlSigner, ownHosts: readonly string[]): ScreenshotLinker {
  const legacy = legacyLink(ownHosts);
  return (appId, element) => {
    if (!isContentScreenshot(element)) return legacy(element);
    const urls = screenshotUrls(signer, '', appId, element);
    return {
      full: urls.full,
      width: urls.width,
      height: urls.height,
      thumbnail: { src: urls.thumbnail, ...fitInBox(urls.width, urls.height, SHOWN_BOX) },
    };
  };
}

/**
 * An image given by URL, shown as is. One on a host of this server (`ownHosts`: the request's Host and the
 * public base URL's) is shown as its path, so it loads under img-src 'self' whatever scheme a proxy in front
 * changed; any other opens only as a link (the CSP stays as it is: the page loads nothing from elsewhere).
 */
function legacyLink(ownHosts: readonly string[]): (image: ScreenshotImage) => ScreenshotLink {
  return (image) => {
    const link = { full: image.url, width: image.width, height: image.height };
    let parsed: URL;
    try {
      parsed = new URL(image.url);
    } catch {
      return link;
    }
    if (!ownHosts.includes(parsed.host)) return link;
    const shown = fitInBox(image.width, image.height, SHOWN_BOX);
    return { ...link, thumbnail: { src: `${parsed.pathname}${parsed.search}`, ...shown } };
  };
}
