import type SharpFactory from 'sharp';

/**
 * HEIC's pixels, for the upload check and for renditions (docs/feedback-content.md): libheif in WebAssembly,
 * since sharp's prebuilt libvips has no HEVC decoder. One module for both, so libheif's own console output is
 * handled in one place: on a file that does not decode it calls `console.log("Decoding image failed", ...)`,
 * which would put a line that is not the server's JSON log (and names nothing useful) on stdout. That one
 * message is dropped; the failure itself reaches the caller as a rejection.
 */
export async function decodeHeic(
  bytes: Uint8Array,
): Promise<{ width: number; height: number; data: Uint8ClampedArray }> {
  silenceLibheifFailures();
  const { default: decode } = await import('heic-decode');
  return decode({ buffer: bytes });
}

/**
 * sharp, loaded on first use: the upload check and renditions need it, and nothing else does, so a process
 * (or a test file) that never sees a screenshot never loads libvips. heic-decode, whose bundle is 2 MB of
 * JavaScript, is loaded the same way by decodeHeic.
 */
export async function loadSharp(): Promise<typeof SharpFactory> {
  return (await import('sharp')).default;
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
