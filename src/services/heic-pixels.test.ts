import { readFileSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import { decodeHeic, withoutLibheifFailures } from './heic-pixels.js';

const HEIC = readFileSync(new URL('../../test/fixtures/images/green-64x48.heic', import.meta.url));

describe('decodeHeic', () => {
  it('gives the RGBA pixels of a HEIC image', async () => {
    const { width, height, data } = await decodeHeic(HEIC);
    expect([width, height, data.length]).toEqual([64, 48, 64 * 48 * 4]);
  });

  it('rejects an image whose coded data is broken', async () => {
    const broken = Buffer.from(HEIC);
    // The HEVC stream sits at the end of the file (the mdat box): overwrite it.
    broken.fill(0xff, broken.length - 120);
    await expect(decodeHeic(broken)).rejects.toBeDefined();
  });

  it("drops libheif's own failure line and nothing else", () => {
    const log = vi.fn();
    const filtered = withoutLibheifFailures(log);
    filtered('Decoding image failed', 1, { code: 3 });
    filtered('listening', { port: 1 });
    expect(log.mock.calls).toEqual([['listening', { port: 1 }]]);
  });
});
