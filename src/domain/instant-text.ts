/** Instants as events and operators write them: ISO 8601 with an offset, read without a Date where it can be. */

const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * Milliseconds since the epoch of an ISO 8601 instant with an offset, or undefined. `Date.parse` alone takes
 * days a month does not have (2023-02-30 becomes March 2), which would count an event on another day.
 */
export function parseInstant(text: string): number | undefined {
  if (!INSTANT.test(text)) return undefined;
  const parsed = Date.parse(text);
  if (Number.isNaN(parsed)) return undefined;
  // Date.parse rolls a day past its month's end over (2023-02-30 is March 2nd): the date must exist as
  // written. Read from the digits INSTANT matched, without a string or Date per event (ingestion's hot path).
  const year = digitsAt(text, 0, 4);
  const month = digitsAt(text, 5, 2);
  const day = digitsAt(text, 8, 2);
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month) ? parsed : undefined;
}

/** The number the `count` ASCII digits of `text` from `start` write. */
function digitsAt(text: string, start: number, count: number): number {
  let value = 0;
  for (let i = start; i < start + count; i++) value = value * 10 + text.charCodeAt(i) - 48;
  return value;
}

/** Days in `month` (1-12) of `year`, in the proleptic Gregorian calendar Date.parse uses. */
function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/**
 * Whether `text` (an instant parseInstant read) is written as `toISOString` would write it, as a sender's clock
 * in UTC writes it: `2023-10-05T12:00:00.000Z`, its fields in range.
 */
export function isStoredForm(text: string): boolean {
  return (
    text.length === 24 &&
    text.charCodeAt(19) === 46 && // .
    text.charCodeAt(23) === 90 && // Z
    digitsAt(text, 11, 2) <= 23 &&
    digitsAt(text, 14, 2) <= 59 &&
    digitsAt(text, 17, 2) <= 59
  );
}
