import type { ScreenshotImage } from '../domain/records/feedback.js';

/** The box a thumbnail image fits in, in pixels (never larger than the original). */
export const THUMBNAIL_BOX = 240;
/**
 * The box the page shows it in, in CSS pixels: a little smaller, so the thumbnail stays sharp on most screens,
 * and its size is known before it loads (the page does not move as images arrive).
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
   * The image the page shows (fitted in THUMBNAIL_BOX) and its size on the page (fitted in SHOWN_BOX): only
   * when its address is of this server, given as a path, since the dashboard's Content-Security-Policy loads
   * images from its own origin alone (img-src 'self').
   */
  readonly thumbnail?: { readonly src: string; readonly width: number; readonly height: number };
}

export type ScreenshotLinker = (appId: string, image: ScreenshotImage) => ScreenshotLink;

/** `width` x `height` fitted in a square box of `box` pixels, never enlarged. */
export function fitInBox(width: number, height: number, box: number): { width: number; height: number } {
  const scale = Math.min(1, box / Math.max(width, height));
  return {
    width: Math.max(1, Math.round(width * scale)),
    height: Math.max(1, Math.round(height * scale)),
  };
}

/**
 * Screenshots as operators record them (`feedback screenshot --screenshot URL:W:H`, the demo): an http(s) URL
 * shown as is. One on a host of this server (`ownHosts`: the request's Host and the public base URL's) is
 * shown as its path, so it loads under img-src 'self' whatever scheme a proxy in front changed; any other
 * opens only as a link (the CSP stays as it is: the page loads nothing from elsewhere).
 */
export function legacyScreenshotLinker(ownHosts: readonly string[]): ScreenshotLinker {
  return (_appId, image) => {
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
