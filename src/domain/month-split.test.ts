import { describe, expect, it } from 'vitest';
import { addDays } from './calendar-day.js';
import { type MonthSplit, splitByMonths } from './month-split.js';

/** How many times a split counts each day it touches: every day of the window must be counted once, no other. */
function countsOf(split: MonthSplit): Map<string, number> {
  const counts = new Map<string, number>();
  const add = (first: string, last: string, sign: number) => {
    for (let day = first; day <= last; day = addDays(day, 1)) counts.set(day, (counts.get(day) ?? 0) + sign);
  };
  if (split.months !== undefined) {
    let day = `${split.months.first}-01`;
    while (day.slice(0, 7) <= split.months.last) {
      add(day, day, 1);
      day = addDays(day, 1);
    }
  }
  for (const [first, last] of split.plus) add(first, last, 1);
  for (const [first, last] of split.minus) add(first, last, -1);
  for (const [day, count] of [...counts]) if (count === 0) counts.delete(day);
  return counts;
}

describe('splitByMonths', () => {
  it('reads a year ending mid-month as whole months, the first month part as days, the last as a month less days', () => {
    expect(splitByMonths('2024-06-18', '2025-06-17')).toEqual({
      months: { first: '2024-07', last: '2025-06' },
      plus: [['2024-06-18', '2024-06-30']],
      minus: [['2025-06-18', '2025-06-30']],
    });
    expect(splitByMonths('2022-10-06', '2023-10-05')).toEqual({
      months: { first: '2022-10', last: '2023-09' },
      plus: [['2023-10-01', '2023-10-05']],
      minus: [['2022-10-01', '2022-10-05']],
    });
  });

  it('reads whole months alone when the window starts and ends on their edges, leap days included', () => {
    const none = { plus: [], minus: [] };
    expect(splitByMonths('2024-02-01', '2024-02-29')).toEqual({
      months: { first: '2024-02', last: '2024-02' },
      ...none,
    });
    expect(splitByMonths('2023-12-01', '2024-01-31')).toEqual({
      months: { first: '2023-12', last: '2024-01' },
      ...none,
    });
  });

  it('reads a short window as its days, and most of one month as the month less the rest', () => {
    expect(splitByMonths('2023-09-29', '2023-10-05')).toEqual({
      plus: [
        ['2023-09-29', '2023-09-30'],
        ['2023-10-01', '2023-10-05'],
      ],
      minus: [],
    });
    expect(splitByMonths('2023-10-05', '2023-10-05')).toEqual({
      plus: [['2023-10-05', '2023-10-05']],
      minus: [],
    });
    expect(splitByMonths('2023-10-02', '2023-10-30')).toEqual({
      months: { first: '2023-10', last: '2023-10' },
      plus: [],
      minus: [
        ['2023-10-01', '2023-10-01'],
        ['2023-10-31', '2023-10-31'],
      ],
    });
    expect(splitByMonths('2023-10-06', '2023-10-05')).toEqual({ plus: [], minus: [] });
  });

  it('counts exactly the days of the window, each once, for every window of up to 400 days over four years', () => {
    for (let start = '2022-12-20'; start < '2025-01-10'; start = addDays(start, 3)) {
      for (const length of [1, 2, 7, 14, 15, 16, 28, 29, 30, 31, 32, 59, 60, 90, 365, 366, 400]) {
        const last = addDays(start, length - 1);
        const split = splitByMonths(start, last);
        const expected = new Map(Array.from({ length }, (_, i) => [addDays(start, i), 1]));
        expect(countsOf(split), `${start} + ${length}`).toEqual(expected);
        const dailyDays = [...split.plus, ...split.minus].reduce(
          (sum, [first, end]) => sum + (Date.parse(end) - Date.parse(first)) / 86_400_000 + 1,
          0,
        );
        expect(dailyDays, `${start} + ${length}: daily rows read`).toBeLessThanOrEqual(Math.min(length, 32));
      }
    }
  });
});
