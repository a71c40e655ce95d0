import { createHash } from 'node:crypto';
import { decodeHeic, loadSharp } from './heic-pixels.js';
import { type ImageMediaType, isImageProblem, type SniffedImage, sniffImage } from '../domain/image-bytes.js';

/** What an uploaded screenshot may be (docs/feedback-content.md, "The wire"). */
export interface ScreenshotLimits {
  /** Bytes of one screenshot (`--max-screenshot-bytes`). */
  readonly maxBytes: number;
  /** Pixels on either side. */
  readonly maxPixelsPerSide: number;
}

export const DEFAULT_SCREENSHOT_LIMITS: ScreenshotLimits = {
  maxBytes: 5 * 1024 * 1024,
  maxPixelsPerSide: 8192,
};

/** A screenshot that passed every check: its type and size, and the SHA-256 (hex) it is stored under. */
export interface CheckedScreenshot extends SniffedImage {
  readonly sha256: string;
  readonly byteLength: number;
}

/**
 * Why a screenshot is refused: `too-large` (bytes or pixels, 413), `unsupported-type` (none of PNG, JPEG and
 * HEIC, or a Content-Type naming another type than the bytes are, 415), `undecodable` (the signature of an
 * image whose header or pixels do not read, 409). The message says what is wrong, never quoting the bytes.
 */
export class ScreenshotRefused extends Error {
  constructor(
    readonly reason: 'too-large' | 'unsupported-type' | 'undecodable',
    message: string,
  ) {
    super(message);
    this.name = 'ScreenshotRefused';
  }
}

const NAMES: Record<ImageMediaType, string> = {
  'image/png': 'a PNG image',
  'image/jpeg': 'a JPEG image',
  'image/heic': 'a HEIC image',
};

/** Content-Types that say nothing of the bytes' type. */
const UNDECLARED = new Set(['', 'application/octet-stream']);

/**
 * The whole check of one uploaded screenshot: its size in bytes, its type from its signature (the declared
 * `Content-Type`, when it names a type, must be the same), its size in pixels, and that every pixel decodes
 * (sharp's libvips for PNG and JPEG; libheif in WebAssembly for HEIC, which sharp's prebuilt build cannot
 * decode). Throws ScreenshotRefused.
 */
export async function checkScreenshot(
  bytes: Uint8Array,
  declaredContentType: string | undefined,
  limits: ScreenshotLimits,
): Promise<CheckedScreenshot> {
  if (bytes.length > limits.maxBytes) {
    throw new ScreenshotRefused(
      'too-large',
      `A screenshot is at most ${limits.maxBytes} bytes; this one has ${bytes.length}`,
    );
  }
  const sniffed = sniffImage(bytes);
  if (isImageProblem(sniffed) && sniffed.problem === 'unknown-type') {
    throw new ScreenshotRefused(
      'unsupported-type',
      'A screenshot must be a PNG, JPEG or HEIC image; these bytes are none of them',
    );
  }
  const actual = sniffed.mediaType;
  const declared = mediaTypeOf(declaredContentType);
  if (!UNDECLARED.has(declared) && declared !== actual) {
    throw new ScreenshotRefused(
      'unsupported-type',
      `The Content-Type says '${declared.slice(0, 60)}', but the bytes are ${NAMES[actual]}; send the image's own type or none`,
    );
  }
  if (isImageProblem(sniffed) && sniffed.problem === 'unreadable') {
    throw new ScreenshotRefused('undecodable', `The bytes start as ${NAMES[actual]}, but ${sniffed.detail}`);
  }
  const image = sniffed as SniffedImage;
  const side = limits.maxPixelsPerSide;
  if (image.width > side || image.height > side) {
    throw new ScreenshotRefused(
      'too-large',
      `A screenshot is at most ${side} pixels on a side; this one is ${image.width}×${image.height}`,
    );
  }
  await decodes(bytes, image.mediaType);
  return {
    ...image,
    sha256: createHash('sha256').update(bytes).digest('hex'),
    byteLength: bytes.length,
  };
}

/** The media type of a Content-Type header, lowercased and without parameters. */
function mediaTypeOf(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

/**
 * Decodes every pixel of the image, at most DECODES_AT_ONCE at a time in this process: a decoded screenshot
 * takes up to 8192 × 8192 × 4 bytes while it is checked, so concurrent uploads must not multiply that.
 */
async function decodes(bytes: Uint8Array, mediaType: ImageMediaType): Promise<void> {
  await decodeSlots.acquire();
  try {
    if (mediaType === 'image/heic') {
      const decoded = await decodeHeic(bytes);
      if (decoded.width < 1 || decoded.height < 1) throw new Error('no pixels');
    } else {
      // stats() reads every pixel (it sums them) without keeping the decoded image; 'error' fails on a
      // truncated or corrupt stream.
      const sharp = await loadSharp();
      await sharp(bytes, { failOn: 'error' }).stats();
    }
  } catch {
    throw new ScreenshotRefused(
      'undecodable',
      `The bytes start as ${NAMES[mediaType]}, but its image data does not decode`,
    );
  } finally {
    decodeSlots.release();
  }
}

const DECODES_AT_ONCE = 2;

/** A counting semaphore: `acquire` waits for a free slot, `release` hands it to the next waiting caller. */
function semaphore(slots: number) {
  let free = slots;
  const waiting: Array<() => void> = [];
  return {
    acquire(): Promise<void> {
      if (free > 0) {
        free--;
        return Promise.resolve();
      }
      return new Promise((resolve) => waiting.push(resolve));
    },
    release(): void {
      const next = waiting.shift();
      if (next === undefined) free++;
      else next();
    },
  };
}

const decodeSlots = semaphore(DECODES_AT_ONCE);
