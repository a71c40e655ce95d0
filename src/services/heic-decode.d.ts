/** heic-decode ships no types: the one call services/heic-pixels.ts makes. */
declare module 'heic-decode' {
  interface DecodedImage {
    readonly width: number;
    readonly height: number;
    /** RGBA, 4 bytes per pixel. */
    readonly data: Uint8ClampedArray;
  }
  /** Decodes the first image of a HEIC file (libheif in WebAssembly); rejects when it does not decode. */
  export default function decode(input: { buffer: Uint8Array }): Promise<DecodedImage>;
}
