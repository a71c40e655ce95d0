/** The request budget an answer reports (Apple's "Identifying Rate Limits"). */
export interface RateBudget {
  /** Requests per rolling hour (`user-hour-lim`). */
  readonly limit: number;
  /** Requests left in the current hour (`user-hour-rem`). */
  readonly remaining: number;
}

const HOUR_MS = 3_600_000;

/** Below this share of the hourly limit left, requests are spaced out (0.05: under 5 %). */
export const DEFAULT_PACE_BELOW = 0.05;

/** Reads `X-Rate-Limit: user-hour-lim:3600;user-hour-rem:3599;`; undefined when absent or unreadable. */
export function parseRateLimit(header: string | null | undefined): RateBudget | undefined {
  if (header === null || header === undefined) return undefined;
  const fields = new Map<string, number>();
  for (const part of header.split(';')) {
    const match = /^\s*([\w-]+)\s*:\s*(\d+)\s*$/.exec(part);
    if (match?.[1] !== undefined) fields.set(match[1].toLowerCase(), Number(match[2]));
  }
  const limit = fields.get('user-hour-lim');
  const remaining = fields.get('user-hour-rem');
  if (limit === undefined || remaining === undefined || limit <= 0) return undefined;
  return { limit, remaining };
}

/**
 * How far apart requests should be, in milliseconds, given the last budget seen: 0 while at least `paceBelow`
 * of the limit is left; below it, the rest of the budget is spread over an hour (3,600 s / remaining, with 0
 * left counted as 1), since the oldest requests of a rolling hour may need up to an hour to count no more.
 */
export function paceInterval(budget: RateBudget | undefined, paceBelow: number = DEFAULT_PACE_BELOW): number {
  if (budget === undefined || paceBelow <= 0) return 0;
  if (budget.remaining >= budget.limit * paceBelow) return 0;
  return Math.ceil(HOUR_MS / Math.max(1, budget.remaining));
}

/** Spaces the requests of one client (all its listings together) by the budget its answers report. */
export interface RatePacer {
  /** Milliseconds to wait before the next request may start; reserves that start. */
  reserve(nowMs: number): number;
  /** Takes the budget of an answer into account. */
  observe(header: string | null, nowMs: number): void;
  /** The last budget seen. */
  readonly budget: RateBudget | undefined;
}

export function createRatePacer(paceBelow: number = DEFAULT_PACE_BELOW): RatePacer {
  let interval = 0;
  let nextStart = 0;
  let budget: RateBudget | undefined;
  return {
    get budget() {
      return budget;
    },
    reserve(nowMs) {
      const start = Math.max(nowMs, nextStart);
      // Requests started together (two listings at once) queue behind each other.
      if (interval > 0) nextStart = start + interval;
      return start - nowMs;
    },
    observe(header, nowMs) {
      const seen = parseRateLimit(header);
      if (seen === undefined) return;
      budget = seen;
      interval = paceInterval(seen, paceBelow);
      // A healthy budget again (a new hour, or a raised limit) lifts the spacing at once.
      nextStart = interval > 0 ? Math.max(nextStart, nowMs + interval) : 0;
    },
  };
}
