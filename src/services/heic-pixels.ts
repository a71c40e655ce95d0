import decode from 'heic-decode';

/**
 * HEIC's pixels, for the upload check and for renditions (docs/feedback-content.md): libheif in WebAssembly,
 * since sharp's prebuilt libvips has no HEVC decoder. One module for both, so libheif's own console output is
 * handled in one place: on a file that does not decode it calls `console.log("Decoding image failed", ...)`,
 * which would put a line that is not the server's JSON log (and names nothing useful) on stdout. That one
 * message is dropped; the failure itself reaches the caller as a rejection.
 */
export function decodeHeic(
  bytes: Uint8Array,
): Promise<{ width: number; height: number; data: Uint8ClampedArray }> {
  silenceLibheifFailures();
  return decode({ buffer: bytes });
}

let silenced = false;
function silenceLibheifFailures(): void {
  if (silenced) return;
  silenced = true;
  console.log = withoutLibheifFailures(console.log);
}

/** `log` without libheif's "Decoding image failed" lines. */
export function withoutLibheifFailures(log: (...args: unknown[]) => void): (...args: unknown[]) => void {
  return (...args) => {
    if (args[0] === 'Decoding image failed') return;
    log(...args);
  };
}
