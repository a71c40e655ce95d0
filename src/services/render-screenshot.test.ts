import { readFileSync } from 'node:fs';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { RenditionUnavailable, renderScreenshot, type ScreenshotSource } from './render-screenshot.js';

const HEIC = readFileSync(new URL('../../test/fixtures/images/green-64x48.heic', import.meta.url));

async function pngOf(width: number, height: number): Promise<ScreenshotSource> {
  const bytes = await sharp({ create: { width, height, channels: 4, background: '#3366997f' } })
    .png()
    .toBuffer();
  return { mediaType: 'image/png', width, height, bytes };
}

describe('renderScreenshot', () => {
  it('answers the original bytes for its own size and format', async () => {
    const source = await pngOf(120, 80);
    const made = await renderScreenshot(source, { width: 120, height: 80, format: 'png' });
    expect(made.original).toBe(true);
    expect(made.bytes.equals(source.bytes)).toBe(true);
    // A box larger than the original fits to the original's size: still the original.
    const larger = await renderScreenshot(source, { width: 4000, height: 4000, format: 'png' });
    expect(larger.bytes.equals(source.bytes)).toBe(true);
  });

  it('fits a PNG inside a box as JPEG, without upscaling', async () => {
    const made = await renderScreenshot(await pngOf(120, 80), { width: 32, height: 32, format: 'jpg' });
    expect(made).toMatchObject({ mediaType: 'image/jpeg', width: 32, height: 21, original: false });
    const metadata = await sharp(made.bytes).metadata();
    expect(metadata).toMatchObject({ format: 'jpeg', width: 32, height: 21 });
  });

  it('converts at the same size (WebP) and resizes a JPEG to PNG', async () => {
    const webp = await renderScreenshot(await pngOf(50, 40), { width: 50, height: 40, format: 'webp' });
    expect(await sharp(webp.bytes).metadata()).toMatchObject({ format: 'webp', width: 50, height: 40 });
    const jpegBytes = await sharp({ create: { width: 300, height: 600, channels: 3, background: '#ff0000' } })
      .jpeg()
      .toBuffer();
    const png = await renderScreenshot(
      { mediaType: 'image/jpeg', width: 300, height: 600, bytes: jpegBytes },
      { width: 100, height: 100, format: 'png' },
    );
    expect(await sharp(png.bytes).metadata()).toMatchObject({ format: 'png', width: 50, height: 100 });
  });

  it('renders a HEIC source as PNG with its pixels', async () => {
    const source: ScreenshotSource = { mediaType: 'image/heic', width: 64, height: 48, bytes: HEIC };
    const made = await renderScreenshot(source, { width: 64, height: 48, format: 'png' });
    expect(made.mediaType).toBe('image/png');
    const { data, info } = await sharp(made.bytes).raw().toBuffer({ resolveWithObject: true });
    expect(info).toMatchObject({ width: 64, height: 48 });
    // The fixture is #3a6 all over (test/fixtures/images/README.md); HEVC is lossy, so nearly.
    const [red = 0, green = 0, blue = 0] = data;
    expect(Math.abs(red - 0x33)).toBeLessThan(8);
    expect(Math.abs(green - 0xaa)).toBeLessThan(8);
    expect(Math.abs(blue - 0x66)).toBeLessThan(8);
    const small = await renderScreenshot(source, { width: 16, height: 16, format: 'jpg' });
    expect(await sharp(small.bytes).metadata()).toMatchObject({ format: 'jpeg', width: 16, height: 12 });
  });

  it('serves HEIC as the original only, at its size', async () => {
    const source: ScreenshotSource = { mediaType: 'image/heic', width: 64, height: 48, bytes: HEIC };
    const original = await renderScreenshot(source, { width: 64, height: 48, format: 'heic' });
    expect(original.bytes.equals(HEIC)).toBe(true);
    await expect(renderScreenshot(source, { width: 32, height: 32, format: 'heic' })).rejects.toBeInstanceOf(
      RenditionUnavailable,
    );
    await expect(
      renderScreenshot(await pngOf(10, 10), { width: 10, height: 10, format: 'heic' }),
    ).rejects.toBeInstanceOf(RenditionUnavailable);
  });
});
