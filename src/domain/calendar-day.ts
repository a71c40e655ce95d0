/**
 * Calendar days in UTC, written `YYYY-MM-DD`. Usage rollups are bucketed by the UTC day of the event, and the
 * metrics windows are whole UTC days, so every day in the system is one of these strings. They sort in time
 * order as plain strings, which is what lets both stores compare them with `<` and `>` in SQL.
 */
export type CalendarDay = string;

const DAY_MS = 86_400_000;

/** The UTC calendar day that contains the instant `at`. */
export function utcDay(at: Date): CalendarDay {
  return at.toISOString().slice(0, 10);
}

/** `day` shifted by `days` (negative goes back). */
export function addDays(day: CalendarDay, days: number): CalendarDay {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}
