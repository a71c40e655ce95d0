import { PERIOD_DAYS } from '../../domain/period.js';
import type { TesterDetail } from '../../services/dashboard.js';
import { usageChart } from '../chart.js';
import { formatCount, formatCrashRate, formatDay, testerName } from '../format.js';
import { type Html, html } from '../html.js';
import { page } from '../layout.js';
import { type AppView, appHref, appsHref, DEFAULT_VIEW, testerHref } from '../view-params.js';
import { periodLinks } from './app-page.js';

/** GET /dashboard/apps/:id/testers/:testerId: one tester's numbers and days over the period. */
export function testerPage(detail: TesterDetail, view: AppView): Html {
  const { app, tester, window } = detail;
  const v = tester.values;
  const name = testerName(tester);
  const body = html`<p class="crumbs"><a href="${appsHref()}">Apps</a> › <a href="${appHref(app.id, { ...DEFAULT_VIEW, period: view.period })}">${app.name}</a> › ${name}</p>
<h1>${name}</h1>
<p class="sub">${tester.email} · <span class="state">${tester.state}</span> · ${
    tester.installedAt === null ? 'not installed' : `installed ${formatDay(tester.installedAt.slice(0, 10))}`
  } · last seen ${tester.lastSeenDay === null ? 'never' : formatDay(tester.lastSeenDay)}</p>
${periodLinks(view, (to) => testerHref(app.id, tester.testerId, to.period))}
<p class="note">${formatDay(window.firstDay)} to ${formatDay(window.lastDay)} (UTC), the last ${PERIOD_DAYS[view.period]} days</p>
<dl class="headline">
  <div><dt>Sessions</dt><dd data-metric="sessions">${formatCount(v.sessionCount)}</dd></div>
  <div><dt>Crashes</dt><dd data-metric="crashes">${formatCount(v.crashCount)}</dd></div>
  <div><dt>Crash rate</dt><dd data-metric="crashRate">${formatCrashRate(v.crashCount, v.sessionCount)}<small>crashes per 100 sessions</small></dd></div>
  <div><dt>Feedback</dt><dd data-metric="feedback">${formatCount(v.feedbackCount)}</dd></div>
</dl>
<h2>Sessions and crashes per day</h2>
${usageChart(window, detail.daily)}
<p class="note">Tester id <code>${tester.testerId}</code>.</p>`;
  return page({ title: `${name} · ${app.name}`, signedIn: true, body, reportDay: window.lastDay });
}
