import { describe, expect, it } from 'vitest';
import { DEFAULT_PERIOD, isPeriodCode, parsePeriod, renderPeriodAsDuration, usageWindow } from './period.js';

describe('periods', () => {
  it("render as Java's Duration.toString() writes them (the page's self link: P365D -> PT8760H)", () => {
    expect(renderPeriodAsDuration('P7D')).toBe('PT168H');
    expect(renderPeriodAsDuration('P30D')).toBe('PT720H');
    expect(renderPeriodAsDuration('P90D')).toBe('PT2160H');
    expect(renderPeriodAsDuration('P365D')).toBe('PT8760H');
  });

  it('accept exactly the four codes, and default to a year', () => {
    expect(['P7D', 'P30D', 'P90D', 'P365D'].every(isPeriodCode)).toBe(true);
    expect(['p7d', 'P1D', 'PT168H', 'P356D', '', 'toString'].some(isPeriodCode)).toBe(false);
    expect(DEFAULT_PERIOD).toBe('P365D');
  });

  it('are read in both spellings the live service uses, codes and the hours its links carry', () => {
    expect(
      ['P7D', 'PT168H', 'P30D', 'PT720H', 'P90D', 'PT2160H', 'P365D', 'PT8760H'].map(parsePeriod),
    ).toEqual(['P7D', 'P7D', 'P30D', 'P30D', 'P90D', 'P90D', 'P365D', 'P365D']);
    expect(['PT24H', 'P1D', 'PT8760h', 'pt8760H', 'P52W', ''].map(parsePeriod)).toEqual(
      Array(6).fill(undefined),
    );
  });

  it("cover the N UTC days ending with the report date, as the page's dataPoints span them", () => {
    expect(usageWindow(new Date('2023-10-05T12:00:00Z'), 'P365D')).toEqual({
      start: '2022-10-05',
      end: '2023-10-05',
      firstDay: '2022-10-06',
      lastDay: '2023-10-05',
    });
    // docs/apple-behavior.md, §3: P90D -> 2023-07-07 .. 2023-10-05.
    expect(usageWindow(new Date('2023-10-05T00:00:00Z'), 'P90D').start).toBe('2023-07-07');
    expect(usageWindow(new Date('2023-10-05T23:59:59.999Z'), 'P7D')).toMatchObject({
      firstDay: '2023-09-29',
      lastDay: '2023-10-05',
    });
  });

  it('take the report date in UTC whatever the offset the instant was written with', () => {
    expect(usageWindow(new Date('2023-10-05T23:30:00-02:00'), 'P7D').end).toBe('2023-10-06');
  });

  it('cross leap days by calendar, not by a fixed number of milliseconds per year', () => {
    expect(usageWindow(new Date('2024-03-01T10:00:00Z'), 'P365D').start).toBe('2023-03-02');
    expect(usageWindow(new Date('2024-03-01T10:00:00Z'), 'P7D').firstDay).toBe('2024-02-24');
  });
});
