import {
  RenditionUnavailable,
  type RenderedScreenshot,
  renderScreenshot,
  type ScreenshotSource,
} from './render-screenshot.js';
import { planRendition, type Rendition, type StoredImageType } from './screenshot-rendition.js';

/**
 * Renditions of stored screenshots, bounded on each node (docs/apple-behavior.md, §12): rendered ones are kept
 * in memory (least recently used out first, by bytes), at most `concurrentRenders` are rendered at once, at
 * most `queuedRenders` more wait for a turn, and beyond that a request is refused at once (`RendersBusy`)
 * rather than held. Requests for the same rendition while it renders wait for that one render.
 */

export interface RenditionLimits {
  /** Bytes of rendered images kept in memory. */
  readonly cacheBytes: number;
  readonly concurrentRenders: number;
  readonly queuedRenders: number;
}

export const DEFAULT_RENDITION_LIMITS: RenditionLimits = {
  cacheBytes: 32 * 1024 * 1024,
  concurrentRenders: 2,
  queuedRenders: 16,
};

/** Every render slot is taken and the queue is full: ask again later. */
export class RendersBusy extends Error {
  constructor() {
    super('every render slot and queue place of this node is taken');
    this.name = 'RendersBusy';
  }
}

export { RenditionUnavailable };

/** What is known of a stored screenshot without its bytes. */
export interface ScreenshotInfo {
  readonly sha256: string;
  readonly mediaType: StoredImageType;
  readonly width: number;
  readonly height: number;
}

export interface ScreenshotRenditions {
  /**
   * The rendition of the screenshot: its stored bytes when the rendition is the original, else from memory or
   * rendered (reading `bytes` only then). Throws `RenditionUnavailable` (HEIC at another size) and
   * `RendersBusy`.
   */
  render(
    info: ScreenshotInfo,
    bytes: () => Promise<Buffer>,
    rendition: Rendition,
  ): Promise<RenderedScreenshot>;
  /** What is kept: entries and their bytes. */
  size(): { entries: number; bytes: number };
}

export function screenshotRenditions(
  limits: RenditionLimits = DEFAULT_RENDITION_LIMITS,
): ScreenshotRenditions {
  const kept = new Map<string, RenderedScreenshot>();
  const pending = new Map<string, Promise<RenderedScreenshot>>();
  const slots = renderSlots(limits.concurrentRenders, limits.queuedRenders);
  let keptBytes = 0;

  const keep = (key: string, image: RenderedScreenshot) => {
    if (image.bytes.length > limits.cacheBytes) return;
    kept.set(key, image);
    keptBytes += image.bytes.length;
    for (const [oldest, entry] of kept) {
      if (keptBytes <= limits.cacheBytes) break;
      kept.delete(oldest);
      keptBytes -= entry.bytes.length;
    }
  };

  return {
    async render(info, bytes, rendition) {
      const plan = planRendition(info, rendition);
      if (plan.kind === 'original') return renderScreenshot({ ...info, bytes: await bytes() }, rendition);
      if (plan.kind === 'unavailable') throw new RenditionUnavailable();
      // Keyed by the size made, not the box asked for: every box that fits to one size shares an entry.
      const key = `${info.sha256}/${plan.width}x${plan.height}.${plan.format}`;
      const hit = kept.get(key);
      if (hit !== undefined) {
        kept.delete(key);
        kept.set(key, hit);
        return hit;
      }
      const inFlight = pending.get(key);
      if (inFlight !== undefined) return inFlight;
      const made = slots.run(async () => {
        const source: ScreenshotSource = { ...info, bytes: await bytes() };
        return renderScreenshot(source, rendition);
      });
      const answer = made.then(
        (image) => {
          pending.delete(key);
          keep(key, image);
          return image;
        },
        (error: unknown) => {
          pending.delete(key);
          throw error;
        },
      );
      pending.set(key, answer);
      return answer;
    },
    size: () => ({ entries: kept.size, bytes: keptBytes }),
  };
}

/** Runs at most `concurrent` tasks at once; `queued` more wait in order; any more is `RendersBusy`. */
function renderSlots(concurrent: number, queued: number) {
  let running = 0;
  const waiting: Array<() => void> = [];
  const release = () => {
    const next = waiting.shift();
    if (next === undefined) running -= 1;
    else next();
  };
  return {
    async run<T>(task: () => Promise<T>): Promise<T> {
      if (running < concurrent) running += 1;
      else if (waiting.length < queued) await new Promise<void>((turn) => waiting.push(turn));
      else throw new RendersBusy();
      try {
        return await task();
      } finally {
        release();
      }
    },
  };
}
