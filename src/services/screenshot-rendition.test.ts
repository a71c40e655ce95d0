import { describe, expect, it } from 'vitest';
import { fittedSize, parseRendition } from './screenshot-rendition.js';

describe('parseRendition', () => {
  it('reads <w>x<h>bb.<f>, jpeg as jpg', () => {
    expect(parseRendition('32x48bb.png')).toEqual({ width: 32, height: 48, format: 'png' });
    expect(parseRendition('1x1bb.jpeg')).toEqual({ width: 1, height: 1, format: 'jpg' });
    expect(parseRendition('8192x8192bb.webp')).toEqual({ width: 8192, height: 8192, format: 'webp' });
    expect(parseRendition('64x48bb.heic')?.format).toBe('heic');
  });

  it.each([
    '0x10bb.png',
    '10x0bb.png',
    '8193x10bb.png',
    '010x10bb.png',
    '10x10.png',
    '10x10bb.gif',
    '10x10bb.PNG',
    '{w}x{h}bb.{f}',
    '-1x10bb.png',
    '10x10bb.png ',
    '99999x1bb.png',
  ])('refuses %j', (text) => {
    expect(parseRendition(text)).toBeUndefined();
  });
});

describe('fittedSize', () => {
  const phone = { width: 1170, height: 2532 };

  it('keeps the aspect inside the box', () => {
    expect(fittedSize(phone, { width: 320, height: 320 })).toEqual({ width: 148, height: 320 });
    expect(fittedSize(phone, { width: 100, height: 10_000 })).toEqual({ width: 100, height: 216 });
  });

  it('never scales up', () => {
    expect(fittedSize(phone, { width: 8192, height: 8192 })).toEqual(phone);
    expect(fittedSize(phone, { width: 1170, height: 2532 })).toEqual(phone);
  });

  it('keeps at least one pixel a side', () => {
    expect(fittedSize({ width: 4000, height: 10 }, { width: 100, height: 100 })).toEqual({
      width: 100,
      height: 1,
    });
  });
});
