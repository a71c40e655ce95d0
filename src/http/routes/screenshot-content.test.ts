import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHarness, type Harness, seedApp } from '../../../test/support/harness.js';
import { FEEDBACK_DEFAULTS, type ScreenshotImage } from '../../domain/records/feedback.js';
import type { ContentScreenshot } from '../../services/screenshot-links.js';
import { createApp } from '../../main/create-app.js';
import { type JournalEntry, requestJournal } from '../../services/request-journal.js';
import { fixedBaseUrl } from '../links.js';

/**
 * GET /content/v1/screenshots/... over a real store (both backends: this file takes its store from the
 * harness): content put in the store, named by a submission, reached through the URLs its read gives
 * (docs/apple-behavior.md, §12).
 */

const APP = '6447306070';
const HEIC = readFileSync(new URL('../../../test/fixtures/images/green-64x48.heic', import.meta.url));
const WALL_TIME = '2024-03-10T12:00:00Z';

let harness: Harness;
beforeEach(async () => {
  harness = await createHarness({ rateLimit: 0, wallTime: WALL_TIME });
  await seedApp(harness.store, APP, []);
});
afterEach(async () => {
  await harness.close();
});

async function putScreenshot(bytes: Buffer, mediaType: ContentScreenshot['mediaType']) {
  const { width = 0, height = 0 } =
    mediaType === 'image/heic' ? { width: 64, height: 48 } : await sharp(bytes).metadata();
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  await harness.store.putContent(
    APP,
    { sha256, mediaType, width, height, byteLength: bytes.length, uploadedAt: WALL_TIME },
    bytes,
  );
  return { sha256, mediaType, width, height };
}

/** A submission naming content, as ingestion writes it (docs/feedback-content.md). */
async function submissionWith(id: string, screenshots: readonly ContentScreenshot[]) {
  await harness.store.createScreenshotFeedback({
    ...FEEDBACK_DEFAULTS,
    id,
    appId: APP,
    createdDate: '2024-03-10T11:00:00.000Z',
    screenshots: screenshots as unknown as ScreenshotImage[],
  });
}

interface ServedImage {
  readonly url: string;
  readonly templateUrl: string;
  readonly width: number;
  readonly height: number;
  readonly expirationDate: string;
}

async function imagesOf(id: string): Promise<ServedImage[]> {
  const response = await harness.get(`/v1/betaFeedbackScreenshotSubmissions/${id}`);
  expect(response.statusCode, response.body).toBe(200);
  return response.json<{ data: { attributes: { screenshots: ServedImage[] } } }>().data.attributes
    .screenshots;
}

/** A URL of this server as the path and query a request sends. */
function local(url: string): string {
  expect(url.startsWith(harness.baseUrl)).toBe(true);
  return url.slice(harness.baseUrl.length);
}

const fetchImage = (url: string, headers: Record<string, string> = {}) =>
  harness.app.inject({ method: 'GET', url: local(url), headers });

const filled = (template: string, rendition: string) => template.replace('{w}x{h}bb.{f}', rendition);

async function pngOf(width: number, height: number): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 4, background: '#2255aa' } })
    .png()
    .toBuffer();
}

describe('200', () => {
  it('serves a stored PNG at its URL byte for byte, as an image nothing runs in', async () => {
    const bytes = await pngOf(120, 80);
    const stored = await putScreenshot(bytes, 'image/png');
    await submissionWith('f1', [stored]);
    const [image] = await imagesOf('f1');
    expect(image).toMatchObject({ width: 120, height: 80, expirationDate: '2024-03-12T00:00:00.000Z' });
    const response = await fetchImage(image?.url ?? '');
    expect(response.statusCode).toBe(200);
    expect(response.rawPayload.equals(bytes)).toBe(true);
    expect(response.headers).toMatchObject({
      'content-type': 'image/png',
      // Noon on the 10th to the end of the 11th.
      'cache-control': `private, max-age=${36 * 3600}`,
      'x-content-type-options': 'nosniff',
      'content-security-policy': "default-src 'none'",
      etag: `"${stored.sha256}"`,
    });
  });

  it('fits the image inside the box the template is filled with, as JPEG', async () => {
    const stored = await putScreenshot(await pngOf(120, 80), 'image/png');
    await submissionWith('f1', [stored]);
    const [image] = await imagesOf('f1');
    const response = await fetchImage(filled(image?.templateUrl ?? '', '32x32bb.jpg'));
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('image/jpeg');
    expect(response.headers.etag).toBe(`W/"${stored.sha256}-32x21.jpg"`);
    const metadata = await sharp(response.rawPayload).metadata();
    expect(metadata).toMatchObject({ format: 'jpeg', width: 32, height: 21 });
  });

  it('renders a HEIC as PNG, and serves the HEIC itself at its own size', async () => {
    const stored = await putScreenshot(HEIC, 'image/heic');
    await submissionWith('f1', [stored]);
    const [image] = await imagesOf('f1');
    expect(image?.url).toContain('/64x48bb.heic?');
    const original = await fetchImage(image?.url ?? '');
    expect(original.headers['content-type']).toBe('image/heic');
    expect(original.rawPayload.equals(HEIC)).toBe(true);
    const png = await fetchImage(filled(image?.templateUrl ?? '', '64x48bb.png'));
    expect(png.headers['content-type']).toBe('image/png');
    expect(await sharp(png.rawPayload).metadata()).toMatchObject({ format: 'png', width: 64, height: 48 });
  });

  it('answers 304 to the tag the client holds', async () => {
    const stored = await putScreenshot(await pngOf(20, 20), 'image/png');
    await submissionWith('f1', [stored]);
    const [image] = await imagesOf('f1');
    const again = await fetchImage(image?.url ?? '', { 'if-none-match': `"${stored.sha256}"` });
    expect(again.statusCode).toBe(304);
    expect(again.rawPayload.length).toBe(0);
  });

  it('keeps the signature and the bytes out of the request journal, which keeps bodies', async () => {
    const stored = await putScreenshot(await pngOf(20, 20), 'image/png');
    await submissionWith('f1', [stored]);
    const [image] = await imagesOf('f1');
    const app = createApp({
      services: harness.services,
      baseUrl: fixedBaseUrl(harness.baseUrl),
      journal: requestJournal({ bodyBytes: 4096 }),
    });
    try {
      expect((await app.inject({ method: 'GET', url: local(image?.url ?? '') })).statusCode).toBe(200);
      const journal = await app.inject({
        method: 'GET',
        url: '/_beta-metrics/journal',
        headers: { authorization: `Bearer ${await harness.token()}` },
      });
      const [entry] = journal.json<{ data: JournalEntry[] }>().data;
      expect(entry).toMatchObject({ operation: 'screenshotContent_get', status: 200 });
      expect(entry?.query).toContainEqual(['signature', '[REDACTED]']);
      expect(entry?.responseBody).toBeUndefined();
    } finally {
      await app.close();
    }
  });
});

describe('403', () => {
  it('refuses a URL whose signature was changed, or that names another app or content', async () => {
    const stored = await putScreenshot(await pngOf(20, 20), 'image/png');
    await submissionWith('f1', [stored]);
    const [image] = await imagesOf('f1');
    const url = image?.url ?? '';
    const signature = /signature=([0-9a-f]+)/.exec(url)?.[1] ?? '';
    const tampered = url.replace(
      signature,
      `${signature.slice(0, -1)}${signature.endsWith('0') ? '1' : '0'}`,
    );
    for (const bad of [tampered, url.replace(/&signature=[0-9a-f]+/, ''), url.replace(`/${APP}/`, '/1/')]) {
      const response = await fetchImage(bad);
      expect(response.statusCode).toBe(403);
      expect(response.json()).toMatchObject({
        errors: [{ status: '403', code: 'FORBIDDEN_ERROR', detail: expect.stringContaining('not valid') }],
      });
    }
  });

  it('refuses an expired URL', async () => {
    const stored = await putScreenshot(await pngOf(20, 20), 'image/png');
    await submissionWith('f1', [stored]);
    const [image] = await imagesOf('f1');
    harness.clock.set('2024-03-11T23:59:59Z');
    expect((await fetchImage(image?.url ?? '')).statusCode).toBe(200);
    harness.clock.set('2024-03-12T00:00:00Z');
    const response = await fetchImage(image?.url ?? '');
    expect(response.statusCode).toBe(403);
    expect(response.json()).toMatchObject({
      errors: [{ code: 'FORBIDDEN_ERROR', detail: expect.stringContaining('expired') }],
    });
  });
});

describe('404', () => {
  it('answers NOT_FOUND for content the app does not have, under a valid signature', async () => {
    const unknown = 'cd'.repeat(32);
    const signed = harness.services.contentUrls.sign(APP, unknown);
    const response = await harness.app.inject({
      method: 'GET',
      url: `/content/v1/screenshots/${APP}/${unknown}/10x10bb.png?expires=${signed.expires}&signature=${signed.signature}`,
    });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toMatchObject({ errors: [{ code: 'NOT_FOUND' }] });
  });

  it('answers NOT_FOUND for HEIC at another size, and PATH_ERROR for what is no rendition', async () => {
    const stored = await putScreenshot(HEIC, 'image/heic');
    await submissionWith('f1', [stored]);
    const [image] = await imagesOf('f1');
    const heic = await fetchImage(filled(image?.templateUrl ?? '', '32x24bb.heic'));
    expect(heic.statusCode).toBe(404);
    expect(heic.json()).toMatchObject({
      errors: [{ code: 'NOT_FOUND', detail: expect.stringContaining('png, jpg or webp') }],
    });
    for (const rendition of ['0x10bb.png', '8193x10bb.png', '10x10bb.gif', '{w}x{h}bb.{f}']) {
      const response = await fetchImage(filled(image?.templateUrl ?? '', encodeURIComponent(rendition)));
      expect(response.statusCode).toBe(404);
      expect(response.json()).toMatchObject({ errors: [{ code: 'PATH_ERROR' }] });
    }
  });
});
