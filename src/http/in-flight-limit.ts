/**
 * Counts the requests in flight per key (an app, for ingestion) and lets at most `max` of them run at once.
 * Memory is one number per key with a request in flight, so it is bounded by the open connections.
 */
export interface InFlightLimit {
  /** A release function when `key` has room for one more request; undefined when it is at its limit. */
  enter(key: string): (() => void) | undefined;
  /** Requests of `key` in flight now. */
  count(key: string): number;
}

export function inFlightLimit(max: number): InFlightLimit {
  const counts = new Map<string, number>();
  return {
    enter(key) {
      const now = counts.get(key) ?? 0;
      if (now >= max) return undefined;
      counts.set(key, now + 1);
      let released = false;
      return () => {
        if (released) return;
        released = true;
        const left = (counts.get(key) ?? 1) - 1;
        if (left > 0) counts.set(key, left);
        else counts.delete(key);
      };
    },
    count: (key) => counts.get(key) ?? 0,
  };
}
