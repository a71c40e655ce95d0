/**
 * Calendar days in UTC, written `YYYY-MM-DD`. Usage rollups are bucketed by the UTC day of the event, and the
 * metrics windows are whole UTC days, so every day in the system is one of these strings. They sort in time
 * order as plain strings, which is what lets both stores compare them with `<` and `>` in SQL.
 */
export type CalendarDay = string;

const DAY_MS = 86_400_000;

/**
 * The UTC calendar day that contains the instant `at`. The last day made is kept with where it starts: every
 * kept answer's freshness names the report day (services/beta-tester-usages.ts), so each replayed request asks
 * for it, nearly always the same day as the request before.
 */
export function utcDay(at: Date): CalendarDay {
  return utcDayAt(at.getTime());
}

/** `utcDay` of an instant in milliseconds since the epoch. */
export function utcDayAt(time: number): CalendarDay {
  if (time >= lastDayStart && time < lastDayStart + DAY_MS) return lastDay;
  const day = new Date(time).toISOString().slice(0, 10);
  lastDayStart = time - (((time % DAY_MS) + DAY_MS) % DAY_MS);
  lastDay = day;
  return day;
}

let lastDayStart = Number.NaN;
let lastDay: CalendarDay = '';

/** `day` shifted by `days` (negative goes back). */
export function addDays(day: CalendarDay, days: number): CalendarDay {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}
