import { describe, expect, it } from 'vitest';
import { addDays, utcDay } from './calendar-day.js';

describe('calendar days', () => {
  it('are the UTC day of an instant', () => {
    expect(utcDay(new Date('2023-10-05T23:59:59.999Z'))).toBe('2023-10-05');
    expect(utcDay(new Date('2023-10-06T00:30:00+01:00'))).toBe('2023-10-05');
  });

  it('move by whole days across months, years and leap days', () => {
    expect(addDays('2023-12-31', 1)).toBe('2024-01-01');
    expect(addDays('2024-03-01', -1)).toBe('2024-02-29');
    expect(addDays('2023-10-05', -365)).toBe('2022-10-05');
  });
});
