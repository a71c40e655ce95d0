import { readFileSync } from 'node:fs';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { sniffImage } from './image-bytes.js';

const HEIC = readFileSync(new URL('../../test/fixtures/images/green-64x48.heic', import.meta.url));

function image(width: number, height: number) {
  return sharp({ create: { width, height, channels: 3, background: '#3a6' } });
}

describe('sniffImage', () => {
  it('reads a PNG’s type and size from its IHDR', async () => {
    expect(sniffImage(await image(37, 21).png().toBuffer())).toEqual({
      mediaType: 'image/png',
      width: 37,
      height: 21,
    });
  });

  it('reads a baseline and a progressive JPEG’s size from their frame header', async () => {
    const baseline = await image(300, 17).jpeg().toBuffer();
    const progressive = await image(17, 300).jpeg({ progressive: true }).withMetadata().toBuffer();
    expect(sniffImage(baseline)).toEqual({ mediaType: 'image/jpeg', width: 300, height: 17 });
    expect(sniffImage(progressive)).toEqual({ mediaType: 'image/jpeg', width: 17, height: 300 });
  });

  it('reads a HEIC’s size from the ispe of its primary item, not of its tiles', () => {
    // The fixture's primary item is a 64×48 grid of one 64×64 tile, each with its own ispe.
    expect(sniffImage(HEIC)).toEqual({ mediaType: 'image/heic', width: 64, height: 48 });
  });

  it('turns a HEIC’s size by its primary item’s irot', () => {
    // Replaces the pixi property (4 bytes of version and flags, then its content) the primary item is
    // associated with by an irot of a quarter turn, keeping every size.
    const turned = Buffer.from(HEIC);
    const pixi = turned.indexOf('pixi');
    turned.write('irot', pixi);
    turned[pixi + 4] = 1;
    expect(sniffImage(turned)).toEqual({ mediaType: 'image/heic', width: 48, height: 64 });
  });

  it('does not know text, a GIF, an empty body or an ISO-BMFF video as an image', async () => {
    const mp4 = Buffer.from(HEIC);
    mp4.write('isom', 8);
    mp4.write('isom', 16);
    mp4.write('mp41', 20);
    mp4.write('mp42', 24);
    for (const bytes of [
      Buffer.from('just some text\n'),
      await image(4, 4).gif().toBuffer(),
      Buffer.alloc(0),
      mp4,
    ]) {
      expect(sniffImage(bytes)).toEqual({ problem: 'unknown-type' });
    }
  });

  it('calls a signature without a readable size unreadable, without reading past the end', async () => {
    const png = await image(8, 8).png().toBuffer();
    const jpeg = await image(8, 8).jpeg().toBuffer();
    const sof = jpeg.indexOf(Buffer.from([0xff, 0xc0]));
    const cases: Array<[Uint8Array, string]> = [
      [png.subarray(0, 20), 'image/png'],
      [jpeg.subarray(0, sof + 4), 'image/jpeg'],
      [jpeg.subarray(0, 3), 'image/jpeg'],
      [HEIC.subarray(0, 40), 'image/heic'],
      [Buffer.concat([HEIC.subarray(0, 32), Buffer.from([0, 0, 0, 8])]), 'image/heic'],
    ];
    for (const [bytes, mediaType] of cases) {
      expect(sniffImage(bytes)).toMatchObject({ problem: 'unreadable', mediaType });
    }
  });

  it('refuses a PNG whose header says it has no pixels', async () => {
    const png = await image(8, 8).png().toBuffer();
    png.writeUInt32BE(0, 16);
    expect(sniffImage(png)).toMatchObject({ problem: 'unreadable', mediaType: 'image/png' });
  });

  it('reads the size of a HEIC cut short after its header: decoding it is what fails', () => {
    expect(sniffImage(HEIC.subarray(0, HEIC.length - 20))).toEqual({
      mediaType: 'image/heic',
      width: 64,
      height: 48,
    });
  });
});
