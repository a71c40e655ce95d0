import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { LightMyRequestResponse } from 'fastify';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import type { ExpectedError } from '../../../test/support/api-responses.js';
import { appWith, freshIngestHarnessForEachTest, type IngestHarness } from '../../../test/support/ingest.js';
import { DEFAULT_INGESTION_LIMITS } from '../../services/ingestion.js';

let harness: IngestHarness;
freshIngestHarnessForEachTest((fresh) => {
  harness = fresh;
});

const HEIC = readFileSync(new URL('../../../test/fixtures/images/green-64x48.heic', import.meta.url));
const image = (width: number, height: number) =>
  sharp({
    create: {
      width,
      height,
      channels: 3,
      background: '#000',
      noise: { type: 'gaussian', mean: 128, sigma: 40 },
    },
  });
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

function upload(
  bytes: Buffer,
  headers: Record<string, string> = { 'content-type': 'application/octet-stream' },
  app = harness.app,
): Promise<LightMyRequestResponse> {
  return app.inject({
    method: 'POST',
    url: '/ingest/v1/screenshots',
    headers: { authorization: `Bearer ${harness.key}`, ...headers },
    payload: bytes,
  });
}

function expectUpload(response: LightMyRequestResponse, status: number, bytes: Buffer, attributes: object) {
  expect({ status: response.statusCode, body: response.json() }).toEqual({
    status,
    body: {
      data: {
        type: 'screenshotUploads',
        id: sha256(bytes),
        attributes: { ...attributes, byteLength: bytes.length },
      },
    },
  });
}

function expectError(response: LightMyRequestResponse, status: number, code: string) {
  expect(response.statusCode, response.body).toBe(status);
  const [error] = response.json<{ errors: ExpectedError[] }>().errors;
  expect(error).toMatchObject({ status: String(status), code });
  return error;
}

describe('201', () => {
  it('stores a PNG, a JPEG and a HEIC, each with its type and size read from its bytes', async () => {
    const png = await image(120, 80).png().toBuffer();
    const jpeg = await image(90, 160).jpeg().toBuffer();
    expectUpload(await upload(png, { 'content-type': 'image/png' }), 201, png, {
      mediaType: 'image/png',
      width: 120,
      height: 80,
    });
    expectUpload(await upload(jpeg, { 'content-type': 'image/jpeg' }), 201, jpeg, {
      mediaType: 'image/jpeg',
      width: 90,
      height: 160,
    });
    expectUpload(await upload(HEIC, { 'content-type': 'image/heic' }), 201, HEIC, {
      mediaType: 'image/heic',
      width: 64,
      height: 48,
    });
    const stored = await harness.services.screenshotUploads.read('100', sha256(HEIC));
    expect(stored?.bytes.equals(HEIC)).toBe(true);
    expect(stored).toMatchObject({ mediaType: 'image/heic', width: 64, height: 48 });
  });

  it('takes an image without a Content-Type, or as octet-stream', async () => {
    const png = await image(10, 10).png().toBuffer();
    const attributes = { mediaType: 'image/png', width: 10, height: 10 };
    expectUpload(await upload(png, {}), 201, png, attributes);
    const other = await image(11, 10).png().toBuffer();
    expectUpload(await upload(other), 201, other, { ...attributes, width: 11 });
  });

  it('answers CORS', async () => {
    const png = await image(4, 4).png().toBuffer();
    const response = await upload(png);
    expect(response.headers['access-control-allow-origin']).toBe('*');
    const preflight = await harness.app.inject({ method: 'OPTIONS', url: '/ingest/v1/screenshots' });
    expect(preflight.statusCode).toBe(204);
    expect(preflight.headers['access-control-allow-methods']).toBe('POST');
  });
});

describe('200', () => {
  it('answers the same bytes again with the same upload, stored once', async () => {
    const png = await image(30, 20).png().toBuffer();
    const attributes = { mediaType: 'image/png', width: 30, height: 20 };
    expectUpload(await upload(png), 201, png, attributes);
    expectUpload(await upload(png, { 'content-type': 'image/png' }), 200, png, attributes);
  });
});

describe('401', () => {
  it('refuses an upload without a key, or with an unknown one, and stores nothing', async () => {
    const png = await image(8, 8).png().toBuffer();
    for (const authorization of [undefined, 'Bearer bmi_nope']) {
      const response = await harness.app.inject({
        method: 'POST',
        url: '/ingest/v1/screenshots',
        headers: authorization === undefined ? {} : { authorization },
        payload: png,
      });
      expectError(response, 401, 'NOT_AUTHORIZED');
    }
    expect(await harness.services.screenshotUploads.read('100', sha256(png))).toBeUndefined();
  });
});

describe('405', () => {
  it('takes POST only', async () => {
    const response = await harness.app.inject({ method: 'GET', url: '/ingest/v1/screenshots' });
    expectError(response, 405, 'METHOD_NOT_ALLOWED');
    expect(response.headers.allow).toBe('POST');
  });
});

describe('409', () => {
  it('refuses a PNG whose header is sound but whose data is cut short', async () => {
    const png = await image(200, 100).png().toBuffer();
    const cut = png.subarray(0, Math.floor(png.length / 2));
    const error = expectError(await upload(cut), 409, 'ENTITY_ERROR.ATTRIBUTE.INVALID');
    expect(error?.detail).toMatch(/PNG image, but its image data does not decode/);
    expect(await harness.services.screenshotUploads.read('100', sha256(cut))).toBeUndefined();
  });

  it('refuses a JPEG cut short, a HEIC cut short and a PNG without an IHDR', async () => {
    const jpeg = await image(200, 100).jpeg().toBuffer();
    const png = await image(8, 8).png().toBuffer();
    for (const bytes of [
      jpeg.subarray(0, Math.floor(jpeg.length / 2)),
      HEIC.subarray(0, HEIC.length - 20),
      png.subarray(0, 16),
    ]) {
      expectError(await upload(bytes), 409, 'ENTITY_ERROR.ATTRIBUTE.INVALID');
    }
  });
});

describe('413', () => {
  it('refuses bytes over the limit, by Content-Length and chunked, before storing anything', async () => {
    const app = await appWith(harness, { ...DEFAULT_INGESTION_LIMITS, maxScreenshotBytes: 1000 });
    const png = await image(200, 100).png().toBuffer();
    expect(png.length).toBeGreaterThan(1000);
    const error = expectError(await upload(png, {}, app), 413, 'REQUEST_ENTITY_TOO_LARGE');
    expect(error?.detail).toMatch(/A screenshot is at most 1000 bytes/);
    const { Readable } = await import('node:stream');
    const chunked = await app.inject({
      method: 'POST',
      url: '/ingest/v1/screenshots',
      headers: { authorization: `Bearer ${harness.key}`, 'content-type': 'image/png' },
      payload: Readable.from([png.subarray(0, 600), png.subarray(600)]),
    });
    expectError(chunked, 413, 'REQUEST_ENTITY_TOO_LARGE');
    expect(await harness.services.screenshotUploads.read('100', sha256(png))).toBeUndefined();
    await app.close();
  });

  it('refuses an image over 8192 pixels on a side', async () => {
    const wide = await sharp({ create: { width: 8193, height: 1, channels: 3, background: '#fff' } })
      .png()
      .toBuffer();
    const error = expectError(await upload(wide), 413, 'REQUEST_ENTITY_TOO_LARGE');
    expect(error?.detail).toMatch(/at most 8192 pixels on a side; this one is 8193×1/);
  });
});

describe('415', () => {
  it('refuses text, a GIF and an empty body, whatever their Content-Type says', async () => {
    const gif = await image(4, 4).gif().toBuffer();
    for (const [bytes, type] of [
      [Buffer.from('not an image\n'), 'text/plain'],
      [Buffer.from('not an image either'), 'image/png'],
      [gif, 'image/gif'],
      [Buffer.alloc(0), 'image/png'],
    ] as const) {
      const error = expectError(await upload(bytes, { 'content-type': type }), 415, 'UNSUPPORTED_MEDIA_TYPE');
      expect(error?.detail).toMatch(/must be a PNG, JPEG or HEIC image/);
    }
  });

  it('refuses an image that lies about its type', async () => {
    const png = await image(8, 8).png().toBuffer();
    const error = expectError(
      await upload(png, { 'content-type': 'image/jpeg' }),
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    );
    expect(error?.detail).toBe(
      "The Content-Type says 'image/jpeg', but the bytes are a PNG image; send the image's own type or none",
    );
    expect(await harness.services.screenshotUploads.read('100', sha256(png))).toBeUndefined();
  });
});
