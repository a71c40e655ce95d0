import { createHash } from 'node:crypto';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FEEDBACK_DEFAULTS, type ScreenshotImage } from '../../src/domain/records/feedback.js';
import { createHarness, type Harness, seedApp } from '../support/harness.js';
import { validateResponse } from '../support/openapi-validator.js';

/**
 * A submission whose screenshots are content (docs/apple-behavior.md, §12): its bodies hold Apple's
 * BetaFeedbackScreenshotImage with `templateUrl` besides, are valid against the spec, and their URLs answer
 * the image; a screenshot given by URL beside it is served as it was stored.
 */

const APP = '6447306070';
const LEGACY = { url: 'https://example.invalid/s.png', width: 1179, height: 2556 };

let harness: Harness;
let sha256 = '';
let png: Buffer;
beforeAll(async () => {
  harness = await createHarness({ rateLimit: 0 });
  await seedApp(harness.store, APP, []);
  png = await sharp({ create: { width: 90, height: 195, channels: 3, background: '#aa3355' } })
    .png()
    .toBuffer();
  sha256 = createHash('sha256').update(png).digest('hex');
  const content = { sha256, mediaType: 'image/png' as const, width: 90, height: 195 };
  await harness.store.putContent(
    APP,
    { ...content, byteLength: png.length, uploadedAt: new Date().toISOString() },
    png,
  );
  await harness.store.createScreenshotFeedback({
    ...FEEDBACK_DEFAULTS,
    id: 'f1',
    appId: APP,
    createdDate: '2024-03-10T11:00:00.000Z',
    // A content element as ingestion writes it (docs/feedback-content.md), beside one given by URL.
    screenshots: [content as unknown as ScreenshotImage, LEGACY],
  });
});
afterAll(async () => {
  await harness?.close();
});

type Screenshots = Array<Record<string, unknown>>;

describe.each([
  {
    path: '/v1/betaFeedbackScreenshotSubmissions/{id}',
    url: '/v1/betaFeedbackScreenshotSubmissions/f1',
    screenshots: (body: { data: { attributes: { screenshots: Screenshots } } }) =>
      body.data.attributes.screenshots,
  },
  {
    path: '/v1/apps/{id}/betaFeedbackScreenshotSubmissions',
    url: `/v1/apps/${APP}/betaFeedbackScreenshotSubmissions`,
    screenshots: (body: { data: Array<{ attributes: { screenshots: Screenshots } }> }) =>
      body.data[0]?.attributes.screenshots ?? [],
  },
])('GET $path', ({ path, url, screenshots }) => {
  it('is valid against the spec, with url and templateUrl that answer the image', async () => {
    const response = await harness.get(url);
    expect(response.statusCode, response.body).toBe(200);
    const body = response.json();
    expect(validateResponse(path, 200, body)).toEqual([]);
    const [content, legacy] = screenshots(body);
    expect(legacy).toEqual(LEGACY);
    expect(content).toMatchObject({ width: 90, height: 195, expirationDate: expect.any(String) });
    const fetch = (link: unknown) => {
      expect(typeof link === 'string' && link.startsWith(harness.baseUrl)).toBe(true);
      return harness.app.inject({ method: 'GET', url: String(link).slice(harness.baseUrl.length) });
    };
    const original = await fetch(content?.url);
    expect(original.statusCode).toBe(200);
    expect(original.rawPayload.equals(png)).toBe(true);
    const small = await fetch(String(content?.templateUrl).replace('{w}x{h}bb.{f}', '45x45bb.webp'));
    expect(small.statusCode).toBe(200);
    expect(await sharp(small.rawPayload).metadata()).toMatchObject({ format: 'webp', width: 21, height: 45 });
  });
});
