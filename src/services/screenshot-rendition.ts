import type { ImageMediaType } from '../domain/image-bytes.js';

/**
 * A rendition of a stored screenshot, as a content URL names it: `<w>x<h>bb.<f>`, the image fitted inside a
 * box of w by h pixels (never larger than the original) in format f, the grammar of the `templateUrl` of
 * Apple's ImageAsset (docs/feedback-content.md, "Serving"; docs/apple-behavior.md, §12).
 */

/** The media types a screenshot is stored as (docs/feedback-content.md, "The wire"). */
export type StoredImageType = ImageMediaType;

/** What a rendition may be written as; `jpeg` is read as `jpg`. HEIC only as the original at its size. */
export type RenditionFormat = 'png' | 'jpg' | 'webp' | 'heic';

export interface Rendition {
  /** The box, in pixels: 1..MAX_RENDITION_SIDE. */
  readonly width: number;
  readonly height: number;
  readonly format: RenditionFormat;
}

/** The largest box side a rendition names: the largest side a stored screenshot may have. */
export const MAX_RENDITION_SIDE = 8192;

/** The rendition part of `templateUrl`, as Apple writes it. */
export const RENDITION_TEMPLATE = '{w}x{h}bb.{f}';

const RENDITION = /^([1-9][0-9]{0,4})x([1-9][0-9]{0,4})bb\.(png|jpg|jpeg|webp|heic)$/;

export const RENDITION_MEDIA_TYPES: Readonly<Record<RenditionFormat, string>> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  webp: 'image/webp',
  heic: 'image/heic',
};

/** The format a stored media type is written as in a URL. */
export function formatOf(mediaType: StoredImageType): RenditionFormat {
  switch (mediaType) {
    case 'image/png':
      return 'png';
    case 'image/jpeg':
      return 'jpg';
    case 'image/heic':
      return 'heic';
  }
}

/** `<w>x<h>bb.<f>` read; undefined when it is not one, or a side is outside 1..MAX_RENDITION_SIDE. */
export function parseRendition(text: string): Rendition | undefined {
  const match = RENDITION.exec(text);
  if (match === null) return undefined;
  const width = Number(match[1]);
  const height = Number(match[2]);
  if (width > MAX_RENDITION_SIDE || height > MAX_RENDITION_SIDE) return undefined;
  const format = match[3] === 'jpeg' ? 'jpg' : (match[3] as RenditionFormat);
  return { width, height, format };
}

export function renditionText(rendition: Rendition): string {
  return `${rendition.width}x${rendition.height}bb.${rendition.format}`;
}

/**
 * The size of an image of `width` by `height` fitted inside the box: scaled down to the largest size that fits
 * with its aspect kept (each side rounded, at least 1), never scaled up.
 */
export function fittedSize(
  original: { readonly width: number; readonly height: number },
  box: { readonly width: number; readonly height: number },
): { width: number; height: number } {
  const scale = Math.min(box.width / original.width, box.height / original.height, 1);
  if (scale === 1) return { width: original.width, height: original.height };
  return {
    width: Math.min(box.width, Math.max(1, Math.round(original.width * scale))),
    height: Math.min(box.height, Math.max(1, Math.round(original.height * scale))),
  };
}

/**
 * What a rendition of a stored image is: the original's bytes (its own size and format, or a box larger than
 * the original in its format), a new image of the fitted size, or none (HEIC at another size: nothing here
 * encodes HEIC).
 */
export type RenditionPlan =
  | { readonly kind: 'original' }
  | {
      readonly kind: 'render';
      readonly width: number;
      readonly height: number;
      readonly format: Exclude<RenditionFormat, 'heic'>;
    }
  | { readonly kind: 'unavailable' };

export function planRendition(
  original: { readonly mediaType: StoredImageType; readonly width: number; readonly height: number },
  rendition: Rendition,
): RenditionPlan {
  const size = fittedSize(original, rendition);
  const sameSize = size.width === original.width && size.height === original.height;
  if (sameSize && rendition.format === formatOf(original.mediaType)) return { kind: 'original' };
  if (rendition.format === 'heic') return { kind: 'unavailable' };
  return { kind: 'render', ...size, format: rendition.format };
}
