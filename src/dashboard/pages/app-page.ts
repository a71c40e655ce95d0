import { PERIOD_DAYS } from '../../domain/period.js';
import type { AppSummary, TesterTable } from '../../services/dashboard.js';
import { appNav } from '../app-nav.js';
import { usageChart } from '../chart.js';
import { formatCount, formatCrashRate, formatDay } from '../format.js';
import { type Html, html } from '../html.js';
import { page } from '../layout.js';
import { appTesters, testerSection } from '../tester-table.js';
import { type AppView, appHref, appsHref, DASHBOARD_PERIODS } from '../view-params.js';

/** The period switcher: links, so each period is a page of its own (bookmarkable, works without script). */
export function periodLinks(view: AppView, href: (view: AppView) => string): Html {
  return html`<nav aria-label="Period"><ul class="periods">${DASHBOARD_PERIODS.map(
    (period) =>
      html`<li><a href="${href({ ...view, period, page: 1 })}" data-period="${period}"${
        period === view.period && html` aria-current="page"`
      }>${PERIOD_DAYS[period]} days</a></li>`,
  )}</ul></nav>`;
}

/** GET /dashboard/apps/:id: headline numbers, the daily chart and one page of the tester table. */
export function appPage(summary: AppSummary, view: AppView, table: TesterTable): Html {
  const { app, totals, window } = summary;
  const v = totals.values;
  const body = html`<p class="crumbs"><a href="${appsHref()}">Apps</a> › ${app.name}</p>
<h1>${app.name}</h1>
<p class="sub"><code>${app.bundleId}</code> · ${formatCount(summary.testers)} testers, ${formatCount(summary.installed)} installed</p>
${appNav(app.id, 'overview', view.period)}
${periodLinks(view, (to) => appHref(app.id, to))}
<h2 class="visually-hidden">The last ${PERIOD_DAYS[view.period]} days</h2>
<p class="note">${formatDay(window.firstDay)} to ${formatDay(window.lastDay)} (UTC)</p>
${
  summary.installed === 0 &&
  html`<div class="empty"><p><strong>No tester has installed yet.</strong> A tester counts here from their first event.
  Create an ingest key and send events from the app (see "Sending events" in the README):</p>
  <pre><code>beta-metrics ingest-keys create --app ${app.id}
curl -s ${'$'}BASE_URL/ingest/v1/events -H "Authorization: Bearer ${'$'}INGEST_KEY" -H 'Content-Type: application/json' \\
  -d '{"events": [{"id": "…", "type": "session", "appId": "${app.id}", "testerId": "…", "timestamp": "…"}]}'</code></pre></div>`
}
<dl class="headline">
  <div><dt>Active testers</dt><dd data-metric="activeTesters">${formatCount(totals.activeTesters)}<small>of ${formatCount(summary.installed)} installed</small></dd></div>
  <div><dt>Sessions</dt><dd data-metric="sessions">${formatCount(v.sessionCount)}</dd></div>
  <div><dt>Crashes</dt><dd data-metric="crashes">${formatCount(v.crashCount)}</dd></div>
  <div><dt>Crash rate</dt><dd data-metric="crashRate">${formatCrashRate(v.crashCount, v.sessionCount)}<small>crashes per 100 sessions</small></dd></div>
  <div><dt>Feedback</dt><dd data-metric="feedback">${formatCount(v.feedbackCount)}</dd></div>
</dl>
<p class="note">Active: installed testers with a session, crash or feedback in these days.</p>
<h2>Sessions and crashes per day</h2>
${usageChart(window, summary.daily)}
${testerSection(appTesters(app.id), view, table)}`;
  return page({ title: app.name, signedIn: true, body, reportDay: window.lastDay });
}
