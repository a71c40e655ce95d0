import { addDays, type CalendarDay } from '../domain/calendar-day.js';
import type { UsageWindow } from '../domain/period.js';
import type { UsageValues } from '../domain/usage-values.js';
import type { DailyUsage } from '../domain/records/app-usage.js';
import { formatCount, formatDay } from './format.js';
import { type Html, html, trusted } from './html.js';

interface Series {
  readonly key: 'sessions' | 'crashes';
  readonly title: string;
  readonly value: (values: UsageValues) => number;
}

const SERIES: readonly Series[] = [
  { key: 'sessions', title: 'Sessions per day', value: (v) => v.sessionCount },
  { key: 'crashes', title: 'Crashes per day', value: (v) => v.crashCount },
];

/**
 * Sessions and crashes per UTC day over the window, as plain SVG drawn here: one bar chart per series (their
 * scales differ by orders of magnitude), a unit of the viewBox per day, stretched to the page's width, with
 * the labels in HTML so they stay readable on a phone. The numbers follow in a table for screen readers and
 * for copying.
 */
export function usageChart(window: UsageWindow, daily: readonly DailyUsage[]): Html {
  const byDay = new Map(daily.map((d) => [d.day, d.values]));
  const days: CalendarDay[] = [];
  for (let day = window.firstDay; day <= window.lastDay; day = addDays(day, 1)) days.push(day);
  if (daily.length === 0) {
    return html`<p class="empty">No sessions, crashes or feedback in these ${days.length} days.</p>`;
  }
  const span = `${formatDay(window.firstDay)} to ${formatDay(window.lastDay)}`;
  return html`<figure class="chart">
  <figcaption class="visually-hidden">Sessions and crashes per UTC day, ${span}</figcaption>
  ${SERIES.map((series) => panel(series, days, byDay, span))}
  <div class="axis" aria-hidden="true"><span>${formatDay(window.firstDay)}</span><span>${formatDay(window.lastDay)}</span></div>
</figure>
<details class="chart-data">
  <summary>Numbers per day</summary>
  <div class="table-scroll" tabindex="0" role="region" aria-label="Numbers per day">
  <table>
    <thead><tr><th scope="col">Day (UTC)</th><th scope="col" class="num">Sessions</th><th scope="col" class="num">Crashes</th><th scope="col" class="num">Feedback</th></tr></thead>
    <tbody>${daily.map(
      (d) =>
        html`<tr><th scope="row">${d.day}</th><td class="num">${formatCount(d.values.sessionCount)}</td><td class="num">${formatCount(d.values.crashCount)}</td><td class="num">${formatCount(d.values.feedbackCount)}</td></tr>`,
    )}</tbody>
  </table>
  </div>
  <p class="note">Days not listed had none.</p>
</details>`;
}

function panel(
  series: Series,
  days: readonly CalendarDay[],
  byDay: Map<CalendarDay, UsageValues>,
  span: string,
) {
  const values = days.map((day) => {
    const usage = byDay.get(day);
    return usage === undefined ? 0 : series.value(usage);
  });
  const max = Math.max(0, ...values);
  const total = values.reduce((sum, v) => sum + v, 0);
  const peak =
    max === 0 ? '' : `, at most ${formatCount(max)} on ${formatDay(days[values.indexOf(max)] ?? '')}`;
  const label = `${series.title}, ${span}: ${formatCount(total)} in all${peak}`;
  return html`<div class="panel">
    <div class="panel-head"><span><span class="key key-${series.key}" aria-hidden="true"></span>${series.title}</span><span class="panel-max">max ${formatCount(max)}</span></div>
    <svg class="bars" viewBox="0 0 ${days.length} 100" preserveAspectRatio="none" role="img" aria-label="${label}" focusable="false">
      <path class="grid" d="M0 0H${days.length}M0 50H${days.length}M0 100H${days.length}" vector-effect="non-scaling-stroke"/>
      <path class="bar-${series.key}" d="${trusted(barsPath(values, max))}"/>
    </svg>
  </div>`;
}

/** One path for all bars: a bar per day, as tall as its share of the largest day (a sliver at least). */
function barsPath(values: readonly number[], max: number): string {
  if (max === 0) return '';
  const gap = values.length > 120 ? 0.1 : 0.15;
  const width = round(1 - 2 * gap);
  return values
    .map((value, i) => {
      if (value === 0) return '';
      const height = Math.max(1.5, (value / max) * 100);
      return `M${round(i + gap)} 100V${round(100 - height)}h${width}V100Z`;
    })
    .join('');
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}
