/**
 * Calls `probe` until `done` holds of its result or `timeoutMs` has passed; the last result and how long it
 * took. Polls instead of sleeping, so a test waits no longer than the behaviour takes.
 */
export async function pollUntil<T>(
  probe: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs: number,
  everyMs = 25,
): Promise<{ value: T; elapsedMs: number; met: boolean }> {
  const started = performance.now();
  for (;;) {
    const value = await probe();
    const elapsedMs = Math.round(performance.now() - started);
    if (done(value)) return { value, elapsedMs, met: true };
    if (elapsedMs >= timeoutMs) return { value, elapsedMs, met: false };
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
