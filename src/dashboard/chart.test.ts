import { describe, expect, it } from 'vitest';
import { usageChart } from './chart.js';

const window = { start: '2023-09-28', end: '2023-10-05', firstDay: '2023-09-29', lastDay: '2023-10-05' };
const values = (sessionCount: number, crashCount: number) => ({ sessionCount, crashCount, feedbackCount: 0 });

describe('usageChart', () => {
  it('draws a bar per day with usage, scaled to the largest day, and lists the days', () => {
    const chart = usageChart(window, [
      { day: '2023-09-29', values: values(10, 0) },
      { day: '2023-10-05', values: values(5, 2) },
    ]).text;
    expect(chart).toContain('viewBox="0 0 7 100"');
    expect(chart).toContain('<path class="bar-sessions" d="M0.15 100V0h0.7V100ZM6.15 100V50h0.7V100Z"/>');
    expect(chart).toContain('<path class="bar-crashes" d="M6.15 100V0h0.7V100Z"/>');
    expect(chart).toContain(
      'aria-label="Sessions per day, 29 Sep 2023 to 5 Oct 2023: 15 in all, at most 10 on 29 Sep 2023"',
    );
    expect(chart).toContain(
      '<tr><th scope="row">2023-10-05</th><td class="num">5</td><td class="num">2</td>',
    );
  });

  it('says so when nothing happened', () => {
    expect(usageChart(window, []).text).toBe(
      '<p class="empty">No sessions, crashes or feedback in these 7 days.</p>',
    );
  });
});
