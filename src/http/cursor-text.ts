import { CURSOR_TAG_BYTES, type CursorToken, MAX_CURSOR_POSITION } from '../services/cursor-token.js';

/**
 * Paging cursors on the wire, in the live service's shape: `<position>.<tag>`, both base64url without padding.
 * The page's first example carries `cursor=BQ.TGQPUQ`: `BQ` is the byte 5 (five testers served), `TGQPUQ` four
 * opaque bytes. Ours write a CursorToken (services/cursor-token.ts): the position as minimal big-endian bytes,
 * then the tag.
 */

const BASE64URL = /^[A-Za-z0-9_-]+$/;

export function formatCursor(token: CursorToken): string {
  return `${encodePosition(token.position).toString('base64url')}.${token.tag.toString('base64url')}`;
}

/**
 * Reads a cursor's syntax; `undefined` unless it is exactly what formatCursor writes, so formatting the token
 * gives back the client's text.
 */
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
  if (tag.length !== CURSOR_TAG_BYTES || positionBytes.length === 0 || positionBytes.length > 6)
    return undefined;
  if (positionBytes[0] === 0) return undefined;
  const position = positionBytes.readUIntBE(0, positionBytes.length);
  if (position < 1 || position > MAX_CURSOR_POSITION) return undefined;
  return { position, tag };
}

function encodePosition(position: number): Buffer {
  if (!Number.isSafeInteger(position) || position < 1 || position > MAX_CURSOR_POSITION) {
    throw new RangeError(`cursor position out of range: ${position}`);
  }
  const bytes: number[] = [];
  for (let rest = position; rest > 0; rest = Math.floor(rest / 256)) bytes.unshift(rest % 256);
  return Buffer.from(bytes);
}
