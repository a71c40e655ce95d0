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

/**
 * Waits (up to 5 s) until a store's read caches answer from memory: its change feed is watching (PostgreSQL's
 * LISTEN session opens at the first cached read, which the caller has made), and fails the test if they never do.
 */
export async function expectCachesWatching(store: {
  readCaches(): { watching: boolean } | undefined;
}): Promise<void> {
  const watching = await pollUntil(
    async () => store.readCaches()?.watching,
    (on) => on === true,
    5_000,
  );
  if (!watching.met) throw new Error("the store's read caches never started watching its change feed");
}
