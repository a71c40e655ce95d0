/**
 * What an uploaded screenshot is, read from its bytes alone (docs/feedback-content.md, "The wire"): its type
 * from the signature (a name, an extension or a declared Content-Type is never trusted) and its dimensions
 * from the header. Pure and bounded: every read is checked against the buffer's end, nothing is decoded.
 * Whether the pixels themselves decode is the services' full check (services/screenshot-check.ts).
 */

export const IMAGE_MEDIA_TYPES = ['image/png', 'image/jpeg', 'image/heic'] as const;
export type ImageMediaType = (typeof IMAGE_MEDIA_TYPES)[number];

/** An image's type and its size in pixels, as its header says. */
export interface SniffedImage {
  readonly mediaType: ImageMediaType;
  readonly width: number;
  readonly height: number;
}

/**
 * Why bytes are not a screenshot: `unknown-type`, none of the three signatures; `unreadable`, the signature of
 * `mediaType` but a header that does not say the image's size.
 */
export type ImageProblem =
  | { readonly problem: 'unknown-type' }
  | { readonly problem: 'unreadable'; readonly mediaType: ImageMediaType; readonly detail: string };

export function isImageProblem(result: SniffedImage | ImageProblem): result is ImageProblem {
  return 'problem' in result;
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
/** HEIC's brands (ISO/IEC 23008-12): a still HEVC image, or the generic image brand with a HEVC one beside it. */
const HEIC_BRANDS = new Set(['heic', 'heix']);
const HEIF_IMAGE_BRAND = 'mif1';

/** The type and dimensions of `bytes`, or why they are not a PNG, JPEG or HEIC image whose size is readable. */
export function sniffImage(bytes: Uint8Array): SniffedImage | ImageProblem {
  if (startsWith(bytes, PNG_SIGNATURE)) return pngSize(bytes);
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return jpegSize(bytes);
  if (isHeic(bytes)) return heicSize(bytes);
  return { problem: 'unknown-type' };
}

function startsWith(bytes: Uint8Array, signature: readonly number[]): boolean {
  return bytes.length >= signature.length && signature.every((byte, i) => bytes[i] === byte);
}

function unreadable(mediaType: ImageMediaType, detail: string): ImageProblem {
  return { problem: 'unreadable', mediaType, detail };
}

function sized(mediaType: ImageMediaType, width: number, height: number): SniffedImage | ImageProblem {
  if (width < 1 || height < 1) return unreadable(mediaType, 'its header gives a width or height of 0');
  return { mediaType, width, height };
}

/** PNG: the first chunk is IHDR, its width and height big-endian (PNG specification, 11.2.2). */
function pngSize(bytes: Uint8Array): SniffedImage | ImageProblem {
  const view = viewOf(bytes);
  if (bytes.length < 24 || ascii(bytes, 12, 4) !== 'IHDR')
    return unreadable('image/png', 'it has no IHDR chunk after its signature');
  return sized('image/png', view.getUint32(16), view.getUint32(20));
}

/**
 * JPEG: the markers after SOI up to the first start of frame (SOF0 to SOF15 but DHT C4, JPG C8 and DAC CC, which
 * share the range), whose height and width follow the sample precision (ITU-T T.81, B.2.2).
 */
function jpegSize(bytes: Uint8Array): SniffedImage | ImageProblem {
  const view = viewOf(bytes);
  let at = 2;
  while (at < bytes.length) {
    if (bytes[at] !== 0xff) return unreadable('image/jpeg', 'a marker is missing where one must start');
    // Fill bytes: any number of 0xFF before a marker.
    while (at < bytes.length && bytes[at] === 0xff) at++;
    const marker = bytes[at];
    at++;
    if (marker === undefined) break;
    // Markers without a length: TEM, RST0 to RST7, SOI.
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd8)) continue;
    if (marker === 0xd9 || marker === 0xda) break;
    if (at + 2 > bytes.length) break;
    const length = view.getUint16(at);
    if (length < 2) return unreadable('image/jpeg', 'a segment has a length below 2');
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      if (length < 7 || at + 7 > bytes.length)
        return unreadable('image/jpeg', 'its frame header is cut short');
      return sized('image/jpeg', view.getUint16(at + 5), view.getUint16(at + 3));
    }
    at += length;
  }
  return unreadable('image/jpeg', 'it has no frame header (SOF) before its image data');
}

/** A box of ISO-BMFF (ISO/IEC 14496-12, 4.2): its type and where its content lies. */
interface Box {
  readonly type: string;
  /** The first byte after the header (and, for a full box, still before its version and flags). */
  readonly start: number;
  readonly end: number;
}

/**
 * The boxes one after the other from `start` to `end`, up to the first that does not fit (a file cut short
 * still shows the boxes before the cut: its header is read, and the decoder finds the rest missing).
 */
function boxesIn(bytes: Uint8Array, start: number, end: number): Box[] {
  const view = viewOf(bytes);
  const boxes: Box[] = [];
  let at = start;
  while (at + 8 <= end) {
    let size = view.getUint32(at);
    const type = ascii(bytes, at + 4, 4);
    let header = 8;
    if (size === 1) {
      if (at + 16 > end) break;
      const large = view.getBigUint64(at + 8);
      if (large > BigInt(end - at)) break;
      size = Number(large);
      header = 16;
    } else if (size === 0) size = end - at;
    if (size < header || at + size > end) break;
    boxes.push({ type, start: at + header, end: at + size });
    at += size;
  }
  return boxes;
}

/**
 * HEIC: an ISO-BMFF file whose `ftyp` names `heic` or `heix` as its major brand, or `mif1` with one of those
 * among its compatible brands (ISO/IEC 23008-12, Annex B).
 */
function isHeic(bytes: Uint8Array): boolean {
  if (bytes.length < 16 || ascii(bytes, 4, 4) !== 'ftyp') return false;
  const size = viewOf(bytes).getUint32(0);
  if (size < 16 || size > bytes.length) return false;
  const brands = [ascii(bytes, 8, 4)];
  for (let at = 16; at + 4 <= size; at += 4) brands.push(ascii(bytes, at, 4));
  const [major = ''] = brands;
  return (
    HEIC_BRANDS.has(major) ||
    (brands.includes(HEIF_IMAGE_BRAND) && brands.some((brand) => HEIC_BRANDS.has(brand)))
  );
}

/**
 * HEIC's size: the `ispe` property the primary item (`pitm`) is associated with in `meta/iprp` (`ipma` into
 * `ipco`), turned by a quarter or three when an `irot` of the item says so, as a viewer shows it
 * (ISO/IEC 23008-12, 6.5.3 and 6.5.10).
 */
function heicSize(bytes: Uint8Array): SniffedImage | ImageProblem {
  const fail = (detail: string) => unreadable('image/heic', detail);
  const view = viewOf(bytes);
  const meta = boxesIn(bytes, 0, bytes.length).find((box) => box.type === 'meta');
  if (meta === undefined) return fail('it has no readable meta box');
  const children = boxesIn(bytes, meta.start + 4, meta.end);
  const pitm = children.find((box) => box.type === 'pitm');
  const iprp = children.find((box) => box.type === 'iprp');
  if (pitm === undefined || iprp === undefined) return fail('its meta box has no primary item or properties');
  if (pitm.start + 6 > pitm.end) return fail('its primary item box is cut short');
  const primary = bytes[pitm.start] === 0 ? view.getUint16(pitm.start + 4) : view.getUint32(pitm.start + 4);
  const properties = boxesIn(bytes, iprp.start, iprp.end);
  const ipco = properties.find((box) => box.type === 'ipco');
  const ipma = properties.find((box) => box.type === 'ipma');
  const propertyBoxes = ipco === undefined ? undefined : boxesIn(bytes, ipco.start, ipco.end);
  if (propertyBoxes === undefined || ipma === undefined) return fail('its item properties are unreadable');
  const indexes = associatedProperties(bytes, ipma, primary);
  if (indexes === undefined) return fail('its item property associations are unreadable');
  const associated = indexes.flatMap((index) => propertyBoxes[index - 1] ?? []);
  const ispe = associated.find((box) => box.type === 'ispe');
  if (ispe === undefined || ispe.start + 12 > ispe.end)
    return fail('its primary item has no image spatial extents (ispe)');
  const width = view.getUint32(ispe.start + 4);
  const height = view.getUint32(ispe.start + 8);
  const irot = associated.find((box) => box.type === 'irot');
  const quarterTurns = irot !== undefined && irot.start < irot.end ? (bytes[irot.start] ?? 0) & 3 : 0;
  return quarterTurns % 2 === 1 ? sized('image/heic', height, width) : sized('image/heic', width, height);
}

/** The 1-based `ipco` indexes `ipma` associates with item `itemId`; undefined when `ipma` does not fit. */
function associatedProperties(bytes: Uint8Array, ipma: Box, itemId: number): number[] | undefined {
  const view = viewOf(bytes);
  if (ipma.start + 8 > ipma.end) return undefined;
  const version = bytes[ipma.start] ?? 0;
  const wideIndexes = ((bytes[ipma.start + 3] ?? 0) & 1) === 1;
  const entries = view.getUint32(ipma.start + 4);
  let at = ipma.start + 8;
  for (let entry = 0; entry < entries; entry++) {
    const idSize = version < 1 ? 2 : 4;
    if (at + idSize + 1 > ipma.end) return undefined;
    const id = idSize === 2 ? view.getUint16(at) : view.getUint32(at);
    const count = bytes[at + idSize] ?? 0;
    at += idSize + 1;
    const indexSize = wideIndexes ? 2 : 1;
    if (at + count * indexSize > ipma.end) return undefined;
    const indexes: number[] = [];
    for (let i = 0; i < count; i++) {
      // The top bit says whether the property is essential; the rest is its index.
      indexes.push(wideIndexes ? view.getUint16(at) & 0x7fff : (bytes[at] ?? 0) & 0x7f);
      at += indexSize;
    }
    if (id === itemId) return indexes;
  }
  return [];
}

function viewOf(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function ascii(bytes: Uint8Array, start: number, length: number): string {
  return String.fromCharCode(...bytes.subarray(start, start + length));
}
