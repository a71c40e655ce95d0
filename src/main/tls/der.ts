/**
 * The few DER encodings (ITU-T X.690) an X.509 certificate is made of, enough for `self-signed-certificate.ts`
 * to write one without a dependency or an external binary. Pure: bytes in, bytes out. It lives under
 * src/main/tls because serving TLS is the composition root's concern alone; domain/ holds the product's rules,
 * and nothing else needs ASN.1.
 */

const TAG = {
  boolean: 0x01,
  integer: 0x02,
  bitString: 0x03,
  octetString: 0x04,
  null: 0x05,
  objectIdentifier: 0x06,
  utf8String: 0x0c,
  utcTime: 0x17,
  generalizedTime: 0x18,
  sequence: 0x30,
  set: 0x31,
} as const;

/** Tag, length (short form below 128, else long form), content. */
export function derTlv(tag: number, content: Uint8Array): Buffer {
  return Buffer.concat([Buffer.of(tag), derLength(content.length), content]);
}

function derLength(length: number): Buffer {
  if (length < 0x80) return Buffer.of(length);
  const bytes: number[] = [];
  for (let rest = length; rest > 0; rest = Math.floor(rest / 256)) bytes.unshift(rest % 256);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

export function derSequence(...items: readonly Uint8Array[]): Buffer {
  return derTlv(TAG.sequence, Buffer.concat(items));
}

export function derSet(...items: readonly Uint8Array[]): Buffer {
  return derTlv(TAG.set, Buffer.concat(items));
}

export function derBoolean(value: boolean): Buffer {
  return derTlv(TAG.boolean, Buffer.of(value ? 0xff : 0x00));
}

export function derNull(): Buffer {
  return derTlv(TAG.null, Buffer.alloc(0));
}

/**
 * A non-negative INTEGER from its big-endian magnitude (a number, or bytes such as a serial number): leading
 * zero bytes dropped, one 0x00 put back when the top bit is set, so it is the shortest form and not negative.
 */
export function derInteger(value: number | Uint8Array): Buffer {
  const bytes = typeof value === 'number' ? magnitudeOf(value) : Buffer.from(value);
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0) start += 1;
  const trimmed = bytes.subarray(start);
  const content = (trimmed[0] ?? 0) & 0x80 ? Buffer.concat([Buffer.of(0), trimmed]) : trimmed;
  return derTlv(TAG.integer, content.length === 0 ? Buffer.of(0) : content);
}

function magnitudeOf(value: number): Buffer {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`${value} is not a DER integer here`);
  const bytes: number[] = [];
  for (let rest = value; rest > 0; rest = Math.floor(rest / 256)) bytes.unshift(rest % 256);
  return Buffer.from(bytes.length === 0 ? [0] : bytes);
}

/** `1.2.840.10045.4.3.2` → the first two arcs in one byte, every arc in base 128 with continuation bits. */
export function derObjectIdentifier(oid: string): Buffer {
  const arcs = oid.split('.').map(Number);
  const [first, second, ...rest] = arcs;
  if (
    first === undefined ||
    second === undefined ||
    arcs.some((arc) => !Number.isSafeInteger(arc) || arc < 0)
  ) {
    throw new RangeError(`'${oid}' is not an object identifier`);
  }
  const bytes = [first * 40 + second, ...rest].flatMap(base128);
  return derTlv(TAG.objectIdentifier, Buffer.from(bytes));
}

function base128(arc: number): number[] {
  const digits = [arc % 128];
  for (let rest = Math.floor(arc / 128); rest > 0; rest = Math.floor(rest / 128)) {
    digits.unshift((rest % 128) | 0x80);
  }
  return digits;
}

/** A BIT STRING of whole bytes, or of named bits where the last `unusedBits` bits of the last byte are not used. */
export function derBitString(bytes: Uint8Array, unusedBits = 0): Buffer {
  return derTlv(TAG.bitString, Buffer.concat([Buffer.of(unusedBits), bytes]));
}

export function derOctetString(bytes: Uint8Array): Buffer {
  return derTlv(TAG.octetString, bytes);
}

export function derUtf8String(text: string): Buffer {
  return derTlv(TAG.utf8String, Buffer.from(text, 'utf8'));
}

/**
 * A certificate's time (RFC 5280 §4.1.2.5): UTCTime `YYMMDDHHMMSSZ` for the years 1950 to 2049,
 * GeneralizedTime `YYYYMMDDHHMMSSZ` otherwise; whole seconds, UTC.
 */
export function derTime(at: Date): Buffer {
  const iso = at.toISOString();
  const digits = `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}Z`;
  const year = at.getUTCFullYear();
  return year >= 1950 && year < 2050
    ? derTlv(TAG.utcTime, Buffer.from(digits.slice(2), 'ascii'))
    : derTlv(TAG.generalizedTime, Buffer.from(digits, 'ascii'));
}

/** `[n] EXPLICIT`: the whole encoding of `inner`, wrapped in a constructed context-specific tag. */
export function derExplicit(tagNumber: number, inner: Uint8Array): Buffer {
  return derTlv(0xa0 | tagNumber, inner);
}

/** `[n] IMPLICIT` of a primitive type: its content under a context-specific tag instead of its own. */
export function derImplicit(tagNumber: number, content: Uint8Array): Buffer {
  return derTlv(0x80 | tagNumber, content);
}
