import type { CalendarDay } from '../domain/calendar-day.js';
import { crashesPer100Sessions } from '../domain/tester-sort.js';

/**
 * Made on the first count a page shows, not when the server starts: making an Intl formatter loads ICU's
 * locale data, 15-25 ms in a CPU profile of `serve`'s start, before a dashboard page is ever asked for.
 */
let number: Intl.NumberFormat | undefined;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** 12,345: the same whatever the server's locale, so pages and tests agree. */
export function formatCount(n: number): string {
  number ??= new Intl.NumberFormat('en-US');
  return number.format(n);
}

/** Crashes per 100 sessions with one decimal, or an em dash without sessions. */
export function formatCrashRate(crashes: number, sessions: number): string {
  const rate = crashesPer100Sessions(crashes, sessions);
  return rate === undefined ? '—' : rate.toFixed(1);
}

/** `5 Oct 2023`, from a UTC day. */
export function formatDay(day: CalendarDay): string {
  const [year, month, date] = day.split('-');
  return `${Number(date)} ${MONTHS[Number(month) - 1] ?? ''} ${year}`;
}

/** "First Last", or the email's name part for a tester without a name. */
export function testerName(tester: {
  readonly firstName: string | null;
  readonly lastName: string | null;
  readonly email: string;
}): string {
  const name = [tester.firstName, tester.lastName].filter((part) => part !== null && part !== '').join(' ');
  return name === '' ? '(no name)' : name;
}

/** Crashes per session as a percentage with one decimal (`2.5%`), or an em dash without sessions. */
export function formatCrashPercent(crashes: number, sessions: number): string {
  const rate = formatCrashRate(crashes, sessions);
  return rate === '—' ? rate : `${rate}%`;
}

/** `5 Oct 2023, 14:03 UTC`, from an instant (ISO 8601, UTC). */
export function formatInstant(instant: string): string {
  return `${formatDay(instant.slice(0, 10))}, ${instant.slice(11, 16)} UTC`;
}
