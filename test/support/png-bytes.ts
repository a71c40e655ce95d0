import { createHash } from 'node:crypto';
import sharp from 'sharp';

/** A PNG of `width` x `height` in one colour, made by sharp (libvips): real image bytes for uploads. */
export async function solidPng(width: number, height: number, colour: string): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: colour } })
    .png()
    .toBuffer();
}

/** A PNG of random pixels: it barely compresses, so its size follows its width and height. */
export async function noisePng(width: number, height: number): Promise<Buffer> {
  return sharp({
    create: {
      width,
      height,
      channels: 3,
      background: '#000000',
      noise: { type: 'gaussian', mean: 128, sigma: 60 },
    },
  })
    .png()
    .toBuffer();
}

/** The id the server gives an upload: the SHA-256 of its bytes, in hex (docs/feedback-content.md). */
export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}
