/**
 * Base64 (RFC 4648 §4) by hand: the client keeps screenshots in string storage as base64, and neither atob/btoa
 * (missing from older React Native engines, and limited to Latin-1 strings) nor a Node built-in may be assumed.
 */
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
/** The value of each character code, 255 for a character outside the alphabet. */
const VALUES = new Uint8Array(256).fill(255);
for (let value = 0; value < ALPHABET.length; value++) VALUES[ALPHABET.charCodeAt(value)] = value;
/** Characters per chunk of the output: short enough for String.fromCharCode's argument list. */
const CHUNK_BYTES = 3 * 4096;

export function encodeBase64(bytes: Uint8Array): string {
  const parts: string[] = [];
  for (let start = 0; start < bytes.length; start += CHUNK_BYTES) {
    const end = Math.min(start + CHUNK_BYTES, bytes.length);
    const codes: number[] = [];
    for (let i = start; i < end; i += 3) {
      const a = bytes[i] ?? 0;
      const b = bytes[i + 1] ?? 0;
      const c = bytes[i + 2] ?? 0;
      codes.push(code(a >> 2), code(((a & 3) << 4) | (b >> 4)));
      codes.push(i + 1 < end ? code(((b & 15) << 2) | (c >> 6)) : 61);
      codes.push(i + 2 < end ? code(c & 63) : 61);
    }
    parts.push(String.fromCharCode(...codes));
  }
  return parts.join('');
}

/**
 * The bytes of a base64 text, which may be wrapped in lines (Android's Base64.DEFAULT) and may lack its
 * padding; undefined when it is not base64.
 */
export function decodeBase64(text: string): Uint8Array | undefined {
  const clean = text.replace(/\s+/g, '').replace(/={1,2}$/, '');
  if (clean.length % 4 === 1) return undefined;
  const bytes = new Uint8Array(Math.floor((clean.length * 3) / 4));
  let at = 0;
  for (let i = 0; i < clean.length; i += 4) {
    // A missing character (the last group's) counts as 0; the bytes it would fill are beyond `bytes`.
    const a = value(clean, i);
    const b = value(clean, i + 1);
    const c = i + 2 < clean.length ? value(clean, i + 2) : 0;
    const d = i + 3 < clean.length ? value(clean, i + 3) : 0;
    if ((a | b | c | d) > 63) return undefined;
    const group = (a << 18) | (b << 12) | (c << 6) | d;
    bytes[at++] = group >> 16;
    if (at < bytes.length) bytes[at++] = (group >> 8) & 0xff;
    if (at < bytes.length) bytes[at++] = group & 0xff;
  }
  return bytes;
}

function value(text: string, index: number): number {
  return VALUES[text.charCodeAt(index)] ?? 255;
}

function code(value: number): number {
  return ALPHABET.charCodeAt(value);
}
