import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_RENDITION_LIMITS,
  RendersBusy,
  RenditionUnavailable,
  type ScreenshotInfo,
  screenshotRenditions,
} from './screenshot-renditions.js';

const INFO: ScreenshotInfo = { sha256: 'ab'.repeat(32), mediaType: 'image/png', width: 200, height: 100 };
const PNG = await sharp({ create: { width: 200, height: 100, channels: 3, background: '#123456' } })
  .png()
  .toBuffer();

/** Bytes a test hands over when it chooses, counting how often they were asked for. */
function heldBytes() {
  let release: () => void = () => {};
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  const read = { count: 0 };
  return {
    read,
    release: () => release(),
    bytes: async () => {
      read.count += 1;
      await gate;
      return PNG;
    },
  };
}

const ready = async () => PNG;

describe('screenshotRenditions', () => {
  it('renders a rendition once and answers it from memory after, for every box of the same size', async () => {
    const renditions = screenshotRenditions();
    let reads = 0;
    const counted = async () => {
      reads += 1;
      return PNG;
    };
    const first = await renditions.render(INFO, counted, { width: 50, height: 50, format: 'jpg' });
    expect(first).toMatchObject({ width: 50, height: 25, mediaType: 'image/jpeg' });
    const again = await renditions.render(INFO, counted, { width: 50, height: 60, format: 'jpg' });
    expect(again.bytes).toBe(first.bytes);
    expect(reads).toBe(1);
    expect(renditions.size()).toEqual({ entries: 1, bytes: first.bytes.length });
  });

  it('serves the original from the store, never keeping it', async () => {
    const renditions = screenshotRenditions();
    const made = await renditions.render(INFO, ready, { width: 200, height: 100, format: 'png' });
    expect(made.original).toBe(true);
    expect(renditions.size().entries).toBe(0);
  });

  it('keeps at most its bytes, the least recently used out first', async () => {
    const box = (side: number) => ({ width: side, height: side, format: 'png' as const });
    const sizeOf = async (side: number) =>
      (await screenshotRenditions().render(INFO, ready, box(side))).bytes.length;
    const kept = (await sizeOf(20)) + (await sizeOf(30));
    const renditions = screenshotRenditions({ ...DEFAULT_RENDITION_LIMITS, cacheBytes: kept });
    for (const side of [10, 20, 30]) await renditions.render(INFO, ready, box(side));
    expect(renditions.size()).toEqual({ entries: 2, bytes: kept });
    const reads = { count: 0 };
    const counted = async () => {
      reads.count += 1;
      return PNG;
    };
    await renditions.render(INFO, counted, box(30));
    expect(reads.count).toBe(0);
    await renditions.render(INFO, counted, box(10));
    expect(reads.count).toBe(1);
    expect(renditions.size().bytes).toBeLessThanOrEqual(kept);
  });

  it('renders at most its slots at once, queues a few more and refuses the rest', async () => {
    const renditions = screenshotRenditions({ cacheBytes: 1 << 20, concurrentRenders: 2, queuedRenders: 1 });
    const held = heldBytes();
    const box = (width: number) => ({ width, height: width, format: 'png' as const });
    const running = [
      renditions.render(INFO, held.bytes, box(10)),
      renditions.render(INFO, held.bytes, box(20)),
    ];
    const queued = renditions.render(INFO, held.bytes, box(30));
    // The same rendition as one in flight waits for it rather than for a slot.
    const joined = renditions.render(INFO, held.bytes, box(10));
    await expect(renditions.render(INFO, held.bytes, box(40))).rejects.toBeInstanceOf(RendersBusy);
    await Promise.resolve();
    expect(held.read.count).toBe(2);
    held.release();
    const made = await Promise.all([...running, queued, joined]);
    expect(made.map((image) => image.width)).toEqual([10, 20, 30, 10]);
    expect(held.read.count).toBe(3);
    // Slots are free again.
    await expect(renditions.render(INFO, ready, box(40))).resolves.toMatchObject({ width: 40 });
  });

  it('frees the slot of a render that failed', async () => {
    const renditions = screenshotRenditions({ cacheBytes: 1 << 20, concurrentRenders: 1, queuedRenders: 0 });
    const broken = async () => Buffer.from('not an image');
    await expect(renditions.render(INFO, broken, { width: 9, height: 9, format: 'png' })).rejects.toThrow();
    await expect(
      renditions.render(INFO, ready, { width: 9, height: 9, format: 'png' }),
    ).resolves.toMatchObject({
      width: 9,
    });
  });

  it('refuses HEIC at another size before reading anything', async () => {
    const renditions = screenshotRenditions();
    const heic: ScreenshotInfo = { ...INFO, mediaType: 'image/heic' };
    const unread = async (): Promise<Buffer> => {
      throw new Error('read');
    };
    await expect(
      renditions.render(heic, unread, { width: 10, height: 10, format: 'heic' }),
    ).rejects.toBeInstanceOf(RenditionUnavailable);
  });
});
