import { decodeHeic, loadSharp } from './heic-pixels.js';
import type { Sharp } from 'sharp';
import {
  planRendition,
  type Rendition,
  RENDITION_MEDIA_TYPES,
  type StoredImageType,
} from './screenshot-rendition.js';

/**
 * Renders a stored screenshot as a rendition (screenshot-rendition.ts). libvips (sharp) decodes and resizes PNG
 * and JPEG; its prebuilt build has no HEVC decoder, so a HEIC is decoded by heic-decode (libheif in
 * WebAssembly) into RGBA that sharp then takes raw. Nothing encodes HEIC: a HEIC is served as HEIC only as the
 * original at its own size (docs/apple-behavior.md, §12).
 */

/** A stored screenshot: its checked type and size, and its bytes. */
export interface ScreenshotSource {
  readonly mediaType: StoredImageType;
  readonly width: number;
  readonly height: number;
  readonly bytes: Buffer;
}

export interface RenderedScreenshot {
  readonly mediaType: string;
  readonly width: number;
  readonly height: number;
  readonly bytes: Buffer;
  /** The stored bytes themselves, unchanged: the rendition asked for is the original's size and format. */
  readonly original: boolean;
}

/** A rendition that cannot be made: HEIC at another size than the original's. */
export class RenditionUnavailable extends Error {
  constructor() {
    super('HEIC is served only as the original at its own size');
    this.name = 'RenditionUnavailable';
  }
}

/** JPEG and WebP quality: screenshots are text and flat colour, which artefacts show on. */
const LOSSY_QUALITY = 85;

/** Fits `source` inside the rendition's box in its format; the original's bytes when that is the original. */
export async function renderScreenshot(
  source: ScreenshotSource,
  rendition: Rendition,
): Promise<RenderedScreenshot> {
  const plan = planRendition(source, rendition);
  if (plan.kind === 'original') {
    const { mediaType, width, height, bytes } = source;
    return { mediaType, width, height, bytes, original: true };
  }
  if (plan.kind === 'unavailable') throw new RenditionUnavailable();
  let image = await decoded(source);
  if (plan.width !== source.width || plan.height !== source.height)
    image = image.resize(plan.width, plan.height, { fit: 'fill' });
  switch (plan.format) {
    case 'png':
      image = image.png();
      break;
    case 'jpg':
      // JPEG has no alpha: transparent parts show white, as an image viewer shows them.
      image = image.flatten({ background: '#ffffff' }).jpeg({ quality: LOSSY_QUALITY });
      break;
    case 'webp':
      image = image.webp({ quality: LOSSY_QUALITY });
      break;
  }
  // Metadata (EXIF, places) is left out: sharp writes none unless asked.
  const bytes = await image.toBuffer();
  const { width, height, format } = plan;
  return { mediaType: RENDITION_MEDIA_TYPES[format], width, height, bytes, original: false };
}

async function decoded(source: ScreenshotSource): Promise<Sharp> {
  const sharp = await loadSharp();
  if (source.mediaType !== 'image/heic') return sharp(source.bytes);
  const { width, height, data } = await decodeHeic(source.bytes);
  return sharp(Buffer.from(data.buffer, data.byteOffset, data.byteLength), {
    raw: { width, height, channels: 4 },
  });
}
