import { describe, expect, it } from 'vitest';
import { fixedClock } from '../domain/clock.js';
import { contentUrlSigner } from './content-urls.js';
import {
  type ContentScreenshot,
  isSignedScreenshot,
  type SignedScreenshot,
  screenshotUrls,
  signedScreenshotImage,
  signScreenshots,
} from './screenshot-links.js';

const SHA = 'ab'.repeat(32);
const BASE = 'https://beta.example.com';
const signer = contentUrlSigner(Buffer.alloc(32, 1), fixedClock(new Date('2024-03-10T12:00:00Z')));
const PNG: ContentScreenshot = { sha256: SHA, mediaType: 'image/png', width: 1170, height: 2532 };
const LEGACY = { url: 'https://example.invalid/s.png', width: 10, height: 20 };

describe('signScreenshots and signedScreenshotImage', () => {
  it('sign content under the app, leave images given by URL alone', () => {
    const signed = signScreenshots(signer, '6447306070', [PNG, LEGACY]) as unknown[];
    expect(signed[1]).toBe(LEGACY);
    expect(isSignedScreenshot(signed[0])).toBe(true);
    expect(isSignedScreenshot(LEGACY)).toBe(false);
    const image = signedScreenshotImage(BASE, signed[0] as SignedScreenshot);
    const { expires, signature } = signer.sign('6447306070', SHA);
    const query = `expires=${expires}&signature=${signature}`;
    expect(image).toEqual({
      url: `${BASE}/content/v1/screenshots/6447306070/${SHA}/1170x2532bb.png?${query}`,
      width: 1170,
      height: 2532,
      expirationDate: '2024-03-12T00:00:00.000Z',
      templateUrl: `${BASE}/content/v1/screenshots/6447306070/${SHA}/{w}x{h}bb.{f}?${query}`,
    });
  });

  it('write a JPEG original as jpg and a HEIC as heic', () => {
    const [jpeg, heic] = signScreenshots(signer, '1', [
      { ...PNG, mediaType: 'image/jpeg' },
      { ...PNG, mediaType: 'image/heic' },
    ]) as SignedScreenshot[];
    expect(jpeg && signedScreenshotImage(BASE, jpeg).url).toContain('/1170x2532bb.jpg?');
    expect(heic && signedScreenshotImage(BASE, heic).url).toContain('/1170x2532bb.heic?');
  });
});

describe('screenshotUrls (the dashboard)', () => {
  it('gives a content screenshot its original and a JPEG thumbnail', () => {
    const urls = screenshotUrls(signer, BASE, '7', PNG);
    expect(urls.full).toMatch(new RegExp(`^${BASE}/content/v1/screenshots/7/${SHA}/1170x2532bb\\.png\\?`));
    expect(urls.thumbnail).toContain(`/7/${SHA}/320x320bb.jpg?expires=`);
    expect(urls).toMatchObject({ width: 1170, height: 2532 });
  });

  it('shows a HEIC as PNG, which browsers can show', () => {
    expect(screenshotUrls(signer, BASE, '7', { ...PNG, mediaType: 'image/heic' }).full).toContain(
      '/1170x2532bb.png?',
    );
  });

  it('gives an image given by URL its URL for both', () => {
    expect(screenshotUrls(signer, BASE, '7', LEGACY)).toEqual({
      full: LEGACY.url,
      thumbnail: LEGACY.url,
      width: 10,
      height: 20,
    });
  });
});
