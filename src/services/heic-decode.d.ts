/**
 * The types of heic-decode 2, which ships none: libheif compiled to WebAssembly, decoding a HEIC's main image.
 * It is CommonJS; Node hands an ES module its `module.exports` as the default export.
 */
declare module 'heic-decode' {
  export interface DecodedImage {
    readonly width: number;
    readonly height: number;
    /** RGBA, 4 bytes a pixel, row by row. */
    readonly data: Uint8ClampedArray;
  }
  /** Decodes the main image; rejects bytes that are not HEIC or do not decode. Its work is synchronous. */
  export default function decode(input: { readonly buffer: Uint8Array }): Promise<DecodedImage>;
}
