import { expect, it } from 'vitest';
import { visibleText } from './visible-text.js';

it('escapes C0 and C1 controls and DEL as \\xHH', () => {
  expect(visibleText('\u001b[31mEve\u001b[0m')).toBe('\\x1b[31mEve\\x1b[0m');
  expect(visibleText('a\rb\u0007c\u0000d\te\nf')).toBe('a\\x0db\\x07c\\x00d\\x09e\\x0af');
  expect(visibleText('\u007f\u0080\u009b\u009f')).toBe('\\x7f\\x80\\x9b\\x9f');
});

it('escapes bidi overrides, isolates and marks, and other invisible format characters as \\uHHHH', () => {
  const bidi = '\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c';
  expect(visibleText(bidi)).toBe(
    '\\u202a\\u202b\\u202c\\u202d\\u202e\\u2066\\u2067\\u2068\\u2069\\u200e\\u200f\\u061c',
  );
  expect(visibleText('a\u200bb\ufeffc\u00add\u2028e\u2029f\u3164g')).toBe(
    'a\\u200bb\\ufeffc\\xadd\\u2028e\\u2029f\\u3164g',
  );
  expect(visibleText('\u{e0001}tag')).toBe('\\u{e0001}tag');
});

it('escapes lone surrogates and keeps pairs', () => {
  expect(visibleText('a\ud800b\udc00')).toBe('a\\ud800b\\udc00');
  expect(visibleText('😀')).toBe('😀');
});

it('leaves printable text of any script as it is, and is idempotent', () => {
  for (const text of ['Zoë O"Brien, Jr.', 'Ελένη', '김민준', 'محمد', 'back\\slash', 'tab\\x09', '']) {
    expect(visibleText(text)).toBe(text);
  }
  const once = visibleText('\u001b]0;pwned\u0007\u202eevE');
  expect(visibleText(once)).toBe(once);
});
