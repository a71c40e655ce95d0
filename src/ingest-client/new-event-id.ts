/** The parts of Web Crypto the id needs; browsers, Node and React Native polyfills offer some or all. */
export interface RandomSource {
  randomUUID?: () => string;
  getRandomValues?: (array: Uint8Array) => Uint8Array;
}

const HEX = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'));

/**
 * A fresh version 4 UUID: `crypto.randomUUID` when there is one (only in secure contexts in browsers), else
 * `crypto.getRandomValues`, else Math.random (React Native without a polyfill) — unique enough for event ids,
 * which only need not to collide within one app's events.
 */
export function newEventId(source: RandomSource | undefined = globalCrypto()): string {
  if (typeof source?.randomUUID === 'function') return source.randomUUID();
  const bytes = new Uint8Array(16);
  if (typeof source?.getRandomValues === 'function') source.getRandomValues(bytes);
  else for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(Math.random() * 256);
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x40;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = Array.from(bytes, (byte) => HEX[byte] ?? '00').join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function globalCrypto(): RandomSource | undefined {
  return (globalThis as { crypto?: RandomSource }).crypto;
}
