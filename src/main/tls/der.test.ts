import { describe, expect, it } from 'vitest';
import {
  derBitString,
  derBoolean,
  derExplicit,
  derImplicit,
  derInteger,
  derNull,
  derObjectIdentifier,
  derOctetString,
  derSequence,
  derSet,
  derTime,
  derUtf8String,
} from './der.js';

/** Encodings checked against X.690's rules and the bytes `openssl asn1parse` shows for the same values. */

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

describe('INTEGER', () => {
  it.each([
    [0, '020100'],
    [2, '020102'],
    [127, '02017f'],
    [128, '02020080'],
    [256, '02020100'],
    [65_535, '020300ffff'],
  ])('%d in its shortest non-negative form', (value, expected) => {
    expect(hex(derInteger(value))).toBe(expected);
  });

  it('drops leading zero bytes of a magnitude and puts one back before a set top bit', () => {
    expect(hex(derInteger(Buffer.from('000001', 'hex')))).toBe('020101');
    expect(hex(derInteger(Buffer.from('0000ff', 'hex')))).toBe('020200ff');
    expect(hex(derInteger(Buffer.from('00', 'hex')))).toBe('020100');
    expect(hex(derInteger(Buffer.from('4000000000000000000000000000000a', 'hex')))).toBe(
      '02104000000000000000000000000000000a',
    );
  });

  it('refuses what is not a whole non-negative number', () => {
    expect(() => derInteger(-1)).toThrow(RangeError);
    expect(() => derInteger(1.5)).toThrow(RangeError);
  });
});

describe('OBJECT IDENTIFIER', () => {
  it.each([
    ['2.5.4.3', '0603550403'],
    ['2.5.29.17', '0603551d11'],
    ['1.2.840.10045.4.3.2', '06082a8648ce3d040302'],
    ['1.3.6.1.5.5.7.3.1', '06082b06010505070301'],
  ])('%s', (oid, expected) => {
    expect(hex(derObjectIdentifier(oid))).toBe(expected);
  });

  it('refuses text that is not one', () => {
    expect(() => derObjectIdentifier('2')).toThrow(RangeError);
    expect(() => derObjectIdentifier('2.x.4')).toThrow(RangeError);
  });
});

describe('lengths', () => {
  it('are one byte below 128, then 0x81 or 0x82 and the length', () => {
    expect(hex(derOctetString(Buffer.alloc(127))).slice(0, 4)).toBe('047f');
    expect(hex(derOctetString(Buffer.alloc(128))).slice(0, 6)).toBe('048180');
    expect(hex(derOctetString(Buffer.alloc(200))).slice(0, 6)).toBe('0481c8');
    expect(hex(derOctetString(Buffer.alloc(300))).slice(0, 8)).toBe('0482012c');
    expect(derSequence(Buffer.alloc(70_000)).subarray(0, 5)).toEqual(Buffer.from('3083011170', 'hex'));
  });
});

describe('times (RFC 5280 §4.1.2.5)', () => {
  it('is UTCTime from 1950 to 2049, whole seconds in UTC', () => {
    const encoded = derTime(new Date('2023-10-05T12:34:56.789Z'));
    expect(encoded[0]).toBe(0x17);
    expect(encoded.subarray(2).toString('ascii')).toBe('231005123456Z');
    expect(derTime(new Date('2049-12-31T23:59:59Z')).subarray(2).toString('ascii')).toBe('491231235959Z');
  });

  it('is GeneralizedTime from 2050 on and before 1950', () => {
    const later = derTime(new Date('2050-01-01T00:00:00Z'));
    expect(later[0]).toBe(0x18);
    expect(later.subarray(2).toString('ascii')).toBe('20500101000000Z');
    expect(derTime(new Date('1949-06-01T00:00:00Z')).subarray(2).toString('ascii')).toBe('19490601000000Z');
  });
});

describe('the other types', () => {
  it('encodes each as X.690 says', () => {
    expect(hex(derBoolean(true))).toBe('0101ff');
    expect(hex(derBoolean(false))).toBe('010100');
    expect(hex(derNull())).toBe('0500');
    // keyUsage digitalSignature: bit 0 set, 7 bits unused.
    expect(hex(derBitString(Buffer.of(0x80), 7))).toBe('03020780');
    expect(hex(derBitString(Buffer.from('abcd', 'hex')))).toBe('030300abcd');
    expect(hex(derUtf8String('é'))).toBe('0c02c3a9');
    expect(hex(derSequence())).toBe('3000');
    expect(hex(derSet(derNull(), derNull()))).toBe('310405000500');
    expect(hex(derExplicit(0, derInteger(2)))).toBe('a003020102');
    expect(hex(derExplicit(3, derSequence()))).toBe('a3023000');
    expect(hex(derImplicit(2, Buffer.from('localhost', 'ascii')))).toBe(
      `8209${hex(Buffer.from('localhost'))}`,
    );
  });
});
