import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Paging cursors, in the live service's shape: `<position>.<tag>`, both base64url without padding. The page's
 * first example carries `cursor=BQ.TGQPUQ`: `BQ` is the byte 5 (five testers served), `TGQPUQ` four opaque
 * bytes. Ours:
 *
 * - position: how many items the client has been served, as minimal big-endian bytes;
 * - tag: the first 4 bytes of HMAC-SHA256(store key, "v1\n<scope>\n<position>\n<last id served>").
 *
 * The last id is not written in the cursor; the server finds it again by checking the tag against the ids
 * near `position` in the current listing (services/cursor-paging.ts). That keeps the cursor as short as
 * Apple's and makes paging keyset-based: testers that appear meanwhile never shift a page, so paging while data
 * changes skips and repeats nobody. Changing any character, or using the cursor with another app, filter or
 * period (the scope), fails the tag and is answered 400.
 */

const TAG_BYTES = 4;
const MAX_POSITION = 2 ** 48;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

export interface CursorToken {
  /** How many items the pages before this one served. */
  readonly position: number;
  readonly tag: Buffer;
}

/** A `cursor` query parameter that parses: its text as the client sent it (for error texts) and its token. */
export interface CursorParameter {
  readonly text: string;
  readonly token: CursorToken;
}

/** The listing a cursor belongs to: the path and the parameters that decide which rows and values it has. */
export function cursorScope(path: string, params: Readonly<Record<string, string>>): string {
  const pairs = Object.keys(params)
    .sort()
    .map((name) => `${name}=${params[name]}`);
  return `${path}?${pairs.join('&')}`;
}

export function cursorTag(key: Uint8Array, scope: string, position: number, lastId: string): Buffer {
  return createHmac('sha256', key)
    .update(`v1\n${scope}\n${position}\n${lastId}`)
    .digest()
    .subarray(0, TAG_BYTES);
}

export function formatCursor(position: number, tag: Buffer): string {
  return `${encodePosition(position).toString('base64url')}.${tag.toString('base64url')}`;
}

/** Reads a cursor's syntax; `undefined` unless it is exactly what formatCursor writes. */
export function parseCursor(text: string): CursorToken | undefined {
  const [positionText, tagText, ...rest] = text.split('.');
  if (positionText === undefined || tagText === undefined || rest.length > 0) return undefined;
  if (!BASE64URL.test(positionText) || !BASE64URL.test(tagText)) return undefined;
  const positionBytes = Buffer.from(positionText, 'base64url');
  const tag = Buffer.from(tagText, 'base64url');
  // Only the canonical spelling: decoding is lenient about trailing bits and leading zero bytes, we are not.
  if (positionBytes.toString('base64url') !== positionText || tag.toString('base64url') !== tagText) {
    return undefined;
  }
  if (tag.length !== TAG_BYTES || positionBytes.length === 0 || positionBytes.length > 6) return undefined;
  if (positionBytes[0] === 0) return undefined;
  const position = positionBytes.readUIntBE(0, positionBytes.length);
  if (position < 1 || position > MAX_POSITION) return undefined;
  return { position, tag };
}

export function tagsEqual(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

function encodePosition(position: number): Buffer {
  if (!Number.isSafeInteger(position) || position < 1 || position > MAX_POSITION) {
    throw new RangeError(`cursor position out of range: ${position}`);
  }
  const bytes: number[] = [];
  for (let rest = position; rest > 0; rest = Math.floor(rest / 256)) bytes.unshift(rest % 256);
  return Buffer.from(bytes);
}
