import { performance } from 'node:perf_hooks';
/**
 * Resolves once `performance.now()` has reached `until`. Not one timer of the whole wait: a timer counts from the
 * event loop's time, taken when its turn began, and may fire early by as long as the turn had run when it was
 * set; where a wait is part of a guarantee (read-caches.ts, `writesSeenEverywhere`), that is too early.
 */
export async function waitUntil(until: number): Promise<void> {
  for (let now = performance.now(); now < until; now = performance.now()) {
    await new Promise((resolve) => setTimeout(resolve, Math.ceil(until - now)));
  }
}
