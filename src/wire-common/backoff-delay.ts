/** Retry timing after a transient failure, in milliseconds. */
export interface RetryTiming {
  readonly baseMs: number;
  readonly maxMs: number;
}

export const DEFAULT_RETRY: RetryTiming = { baseMs: 1000, maxMs: 5 * 60_000 };

/**
 * Exponential backoff with full jitter (AWS Architecture Blog, "Exponential Backoff And Jitter"): after the
 * n-th failure in a row, a random wait between 0 and min(maxMs, baseMs * 2^(n-1)).
 */
export function backoffDelay(failures: number, timing: RetryTiming, random: () => number = Math.random) {
  const ceiling = Math.min(timing.maxMs, timing.baseMs * 2 ** Math.max(0, failures - 1));
  return Math.floor(random() * ceiling);
}

/**
 * The wait a `Retry-After` header asks for (RFC 9110 §10.2.3): delay-seconds, or an HTTP date (a date in the
 * past means now). Undefined when absent or unreadable.
 */
export function retryAfterDelay(header: string | null | undefined, nowMs: number): number | undefined {
  const text = header?.trim();
  if (text === undefined || text === '') return undefined;
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  // A date names its day or month; without a letter, Date.parse would read numbers like '1.5' as dates.
  const at = /[a-z]/i.test(text) ? Date.parse(text) : Number.NaN;
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}
