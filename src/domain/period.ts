import { addDays, type CalendarDay, utcDay } from './calendar-day.js';

/** The reporting periods the metrics endpoints accept, and how many days each covers. */
export const PERIOD_DAYS = { P7D: 7, P30D: 30, P90D: 90, P365D: 365 } as const;

export type PeriodCode = keyof typeof PERIOD_DAYS;

/**
 * Without `period` the live service reports a year (docs/apple-behavior.md, §2). The page lists P365D as
 * "356 days": Apple's typo; the example's dataPoint spans 2022-10-05 -> 2023-10-05, which is 365 days.
 */
export const DEFAULT_PERIOD: PeriodCode = 'P365D';

export function isPeriodCode(value: string): value is PeriodCode {
  return Object.hasOwn(PERIOD_DAYS, value);
}

/**
 * A `period` parameter as a period code. Both spellings of the four periods are accepted: the codes the page
 * lists (`P365D`), and the hours the live service writes back in its own links (`PT8760H`). The page's first
 * example has `next` = `...?cursor=BQ.TGQPUQ&period=PT8760H&...`, so a client following it sends PT8760H.
 * Anything else is refused (docs/apple-behavior.md, §2).
 */
export function parsePeriod(value: string): PeriodCode | undefined {
  if (isPeriodCode(value)) return value;
  return (Object.keys(PERIOD_DAYS) as PeriodCode[]).find((code) => renderPeriodAsDuration(code) === value);
}

/**
 * The period as the live service writes it back in `links.self`: Java's `Duration.toString()`, which spells
 * days as hours (P7D -> PT168H, P365D -> PT8760H). Source: the page's first example, whose request says
 * `period=P365D` and whose `self` says `period=PT8760H`.
 */
export function renderPeriodAsDuration(period: PeriodCode): string {
  return `PT${PERIOD_DAYS[period] * 24}H`;
}

/**
 * The days a report covers. A period of N days covers the N UTC calendar days ending with the report date,
 * today included (docs/apple-behavior.md, §3): the days after `start` up to and including `end`.
 */
export interface UsageWindow {
  /** The dataPoint's `start`: the report date minus N days (not itself counted). */
  readonly start: CalendarDay;
  /** The dataPoint's `end`: the report date (counted). */
  readonly end: CalendarDay;
  /** The first day counted: `start` + 1. */
  readonly firstDay: CalendarDay;
  /** The last day counted: `end`. */
  readonly lastDay: CalendarDay;
}

/** The window of `period` for a report made at the instant `reportTime` (its UTC day is the report date). */
export function usageWindow(reportTime: Date, period: PeriodCode): UsageWindow {
  const end = utcDay(reportTime);
  const start = addDays(end, -PERIOD_DAYS[period]);
  return { start, end, firstDay: addDays(start, 1), lastDay: end };
}

/**
 * The window of the family's operations that declare no `period` (builds_betaBuildUsages_getMetrics,
 * betaGroups_publicLinkUsages_getMetrics): the year the others report without one. It covers a build's whole
 * TestFlight life, since builds expire 90 days after upload (docs/apple-behavior.md, §11).
 */
export const PERIODLESS_REPORT_PERIOD: PeriodCode = DEFAULT_PERIOD;
