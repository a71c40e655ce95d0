import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decodeBase64, encodeBase64 } from './base64.js';

// Node's own codec is the reference; the client cannot use it (it runs in browsers and React Native).
const reference = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');

describe('encodeBase64', () => {
  it.each([0, 1, 2, 3, 4, 5, 6, 7, 100, 12_287, 12_288, 12_289, 100_000])(
    '%i bytes as Node encodes them',
    (n) => {
      const bytes = new Uint8Array(randomBytes(n));
      expect(encodeBase64(bytes)).toBe(reference(bytes));
    },
  );
});

describe('decodeBase64', () => {
  it.each([0, 1, 2, 3, 64, 65, 66, 100_000])('%i bytes back from their base64', (n) => {
    const bytes = new Uint8Array(randomBytes(n));
    expect(decodeBase64(reference(bytes))).toEqual(bytes);
  });

  it('reads text wrapped in lines (Android Base64.DEFAULT) and text without its padding', () => {
    const bytes = new Uint8Array(randomBytes(200));
    const wrapped = (reference(bytes).match(/.{1,76}/g) ?? []).join('\n');
    expect(decodeBase64(wrapped)).toEqual(bytes);
    expect(decodeBase64('aGk')).toEqual(new TextEncoder().encode('hi'));
  });

  it.each([
    ['a character outside the alphabet', 'aGk*'],
    ['a length no bytes have', 'aGkhY'],
    ['padding in the middle', 'aG=k'],
  ])('refuses %s', (_name, text) => {
    expect(decodeBase64(text)).toBeUndefined();
  });
});
