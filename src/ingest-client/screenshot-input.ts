import { decodeBase64, encodeBase64 } from './base64.js';
import { IngestClientError } from './ingest-client-error.js';
import type { Base64Screenshot, BlobLike, PendingScreenshot, ScreenshotInput } from './types.js';

/** The server's default `--max-screenshot-bytes` (docs/feedback-content.md, "The wire"). */
export const DEFAULT_MAX_SCREENSHOT_BYTES = 5 * 1024 * 1024;
/** Screenshots per feedback at most, as the server takes them. */
export const MAX_SCREENSHOTS = 5;

const DATA_URL = /^data:([^;,]*)(?:;[^,]*)?;base64,/i;

/**
 * A screenshot as the queue keeps it: its bytes as base64, and the content type the app gave. Only what this
 * end can see is checked (size, readable bytes); the server decides whether they are an image.
 */
export async function pendingScreenshot(
  input: ScreenshotInput,
  number: number,
  maxBytes: number,
): Promise<PendingScreenshot> {
  const refuse = (what: string) =>
    new IngestClientError('invalid', `Screenshot ${number} ${what}; nothing was queued`);
  const checkSize = (size: number) => {
    if (size === 0) throw refuse('is empty');
    if (size > maxBytes) throw refuse(`has ${size} bytes, over the limit of ${maxBytes}`);
  };

  if (isBase64Screenshot(input)) {
    const dataUrl = DATA_URL.exec(input.base64);
    const text = dataUrl === null ? input.base64 : input.base64.slice(dataUrl[0].length);
    const bytes = decodeBase64(text);
    if (bytes === undefined) throw refuse('is not base64');
    checkSize(bytes.length);
    return withType(encodeBase64(bytes), input.contentType ?? (dataUrl?.[1] || undefined));
  }
  if (isArrayBuffer(input)) {
    checkSize(input.byteLength);
    return withType(encodeBase64(new Uint8Array(input)), undefined);
  }
  if (ArrayBuffer.isView(input)) {
    checkSize(input.byteLength);
    return withType(
      encodeBase64(new Uint8Array(input.buffer, input.byteOffset, input.byteLength)),
      undefined,
    );
  }
  if (isBlobLike(input)) {
    // The size first: a file over the limit is never read into memory.
    checkSize(input.size);
    const bytes = await blobBytes(input).catch((cause: unknown) => {
      throw new IngestClientError('invalid', `Screenshot ${number} could not be read; nothing was queued`, {
        cause,
      });
    });
    if (bytes === undefined) {
      throw refuse('is a Blob this platform cannot read (no arrayBuffer() nor FileReader): pass { base64 }');
    }
    checkSize(bytes.length);
    return withType(encodeBase64(bytes), input.type || undefined);
  }
  throw refuse('is none of Blob, File, ArrayBuffer, Uint8Array or { base64, contentType? }');
}

function withType(base64: string, contentType: string | undefined): PendingScreenshot {
  return contentType === undefined ? { base64 } : { base64, contentType };
}

/** A Blob's bytes: `arrayBuffer()` where there is one, else FileReader's data URL (React Native's Blob). */
async function blobBytes(blob: BlobLike): Promise<Uint8Array | undefined> {
  if (typeof blob.arrayBuffer === 'function') return new Uint8Array(await blob.arrayBuffer());
  const Reader = (globalThis as { FileReader?: new () => DataUrlReader }).FileReader;
  if (Reader === undefined) return undefined;
  const url = await new Promise<string>((resolve, reject) => {
    const reader = new Reader();
    reader.onload = () => resolve(String(reader.result));
    reader.onerror = () => reject(reader.error ?? new Error('FileReader failed'));
    reader.readAsDataURL(blob);
  });
  const comma = url.indexOf(',');
  return decodeBase64(comma < 0 ? '' : url.slice(comma + 1));
}

interface DataUrlReader {
  result: unknown;
  error: unknown;
  onload: (() => void) | null;
  onerror: (() => void) | null;
  readAsDataURL(blob: BlobLike): void;
}

function isBase64Screenshot(input: ScreenshotInput): input is Base64Screenshot {
  return typeof (input as { base64?: unknown } | null)?.base64 === 'string';
}

/** Also an ArrayBuffer of another realm (an iframe's), which instanceof would miss. */
function isArrayBuffer(input: unknown): input is ArrayBuffer {
  return Object.prototype.toString.call(input) === '[object ArrayBuffer]';
}

function isBlobLike(input: unknown): input is BlobLike {
  const blob = input as { size?: unknown; type?: unknown } | null;
  return typeof blob?.size === 'number' && typeof blob.type === 'string';
}
