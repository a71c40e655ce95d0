import { addDays, type CalendarDay } from './calendar-day.js';

/** A UTC calendar month, written `YYYY-MM`: the bucket of the monthly rollups. */
export type CalendarMonth = string;

/** Days `[first, last]`, both included. */
export type DayRange = readonly [CalendarDay, CalendarDay];

/**
 * The days `firstDay`..`lastDay` (both included) as the rollups sum them: the months `months` from the
 * monthly rollup, plus the days `plus` and minus the days `minus` from the daily one. A month the window
 * covers only in part is read as its days when they are at most half of it, else as the month less the days
 * outside the window; so a year is a dozen monthly rows and at most about a month of daily rows per tester.
 * A type, not an interface, so that it is a value of a statement compiled per shape (queries/usage.ts).
 */
export type MonthSplit = {
  /** The first and last month, both included; absent when no month is read whole. */
  readonly months?: { readonly first: CalendarMonth; readonly last: CalendarMonth };
  readonly plus: readonly DayRange[];
  readonly minus: readonly DayRange[];
};

export function monthOf(day: CalendarDay): CalendarMonth {
  return day.slice(0, 7);
}

export function splitByMonths(firstDay: CalendarDay, lastDay: CalendarDay): MonthSplit {
  const plus: DayRange[] = [];
  const minus: DayRange[] = [];
  if (firstDay > lastDay) return { plus, minus };
  const firstMonth = monthOf(firstDay);
  const lastMonth = monthOf(lastDay);
  if (firstMonth === lastMonth) {
    const [start, end] = monthDays(firstMonth);
    if (daysIn(firstDay, lastDay) * 2 <= daysIn(start, end) && (firstDay !== start || lastDay !== end)) {
      return { plus: [[firstDay, lastDay]], minus };
    }
    if (start < firstDay) minus.push([start, addDays(firstDay, -1)]);
    if (lastDay < end) minus.push([addDays(lastDay, 1), end]);
    return { months: { first: firstMonth, last: firstMonth }, plus, minus };
  }
  let first = firstMonth;
  const [leadStart, leadEnd] = monthDays(firstMonth);
  if (firstDay !== leadStart) {
    if (daysIn(firstDay, leadEnd) * 2 > daysIn(leadStart, leadEnd))
      minus.push([leadStart, addDays(firstDay, -1)]);
    else {
      plus.push([firstDay, leadEnd]);
      first = monthOf(addDays(leadEnd, 1));
    }
  }
  let last = lastMonth;
  const [tailStart, tailEnd] = monthDays(lastMonth);
  if (lastDay !== tailEnd) {
    if (daysIn(tailStart, lastDay) * 2 > daysIn(tailStart, tailEnd))
      minus.push([addDays(lastDay, 1), tailEnd]);
    else {
      plus.push([tailStart, lastDay]);
      last = monthOf(addDays(tailStart, -1));
    }
  }
  return first <= last ? { months: { first, last }, plus, minus } : { plus, minus };
}

/** The first and last day of `month`. */
function monthDays(month: CalendarMonth): DayRange {
  const start = `${month}-01`;
  const year = Number(month.slice(0, 4));
  const number = Number(month.slice(5, 7));
  const next = number === 12 ? `${year + 1}-01-01` : `${year}-${String(number + 1).padStart(2, '0')}-01`;
  return [start, addDays(next, -1)];
}

function daysIn(first: CalendarDay, last: CalendarDay): number {
  return Math.round((Date.parse(`${last}T00:00:00Z`) - Date.parse(`${first}T00:00:00Z`)) / 86_400_000) + 1;
}
