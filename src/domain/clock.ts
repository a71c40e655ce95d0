/** Where "now" comes from, so tests and `--now` can fix it. */
export interface Clock {
  now(): Date;
  /**
   * `now()` in milliseconds since the epoch, without making a Date (`clockMillis`): a replayed answer asks the
   * time twice, and its two Dates were about 550 instructions (BENCHMARKS.md, "Instructions of a replayed
   * answer"). Absent, `now()` is read.
   */
  millis?(): number;
}

export const systemClock: Clock = { now: () => new Date(), millis: () => Date.now() };

export function fixedClock(at: Date): Clock {
  const time = at.getTime();
  return { now: () => new Date(time), millis: () => time };
}

/** The clock's now in milliseconds since the epoch. */
export function clockMillis(clock: Clock): number {
  return clock.millis?.() ?? clock.now().getTime();
}
