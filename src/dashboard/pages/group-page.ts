import { PERIOD_DAYS } from '../../domain/period.js';
import type { GroupDetail } from '../../services/dashboard.js';
import { appNav } from '../app-nav.js';
import { formatCount, formatDay } from '../format.js';
import { type Html, html } from '../html.js';
import { page } from '../layout.js';
import { groupTesters, testerSection } from '../tester-table.js';
import { type AppView, appHref, appsHref, DEFAULT_VIEW, groupHref, groupsHref } from '../view-params.js';
import { periodLinks } from './app-page.js';

/** GET /dashboard/apps/:id/groups/:groupId: a beta group and its testers' table over the period. */
export function groupPage(detail: GroupDetail, view: AppView): Html {
  const { app, group, window, table } = detail;
  const kind = group.isInternal
    ? 'Internal group'
    : `External group · public link ${group.publicLinkEnabled ? 'on' : 'off'}`;
  const body = html`<p class="crumbs"><a href="${appsHref()}">Apps</a> › <a href="${appHref(app.id, { ...DEFAULT_VIEW, period: view.period })}">${app.name}</a> › <a href="${groupsHref(app.id, view.period)}">Groups</a> › ${group.name}</p>
<h1>${group.name}</h1>
<p class="sub">${kind} · ${formatCount(group.testers)} ${group.testers === 1 ? 'tester' : 'testers'} · ${app.name}</p>
${appNav(app.id, 'groups', view.period)}
${periodLinks(view, (to) => groupHref(app.id, group.id, to))}
<p class="note">${formatDay(window.firstDay)} to ${formatDay(window.lastDay)} (UTC), the last ${PERIOD_DAYS[view.period]} days</p>
${testerSection(groupTesters(app.id, group.id), view, table)}`;
  return page({ title: `${group.name} · ${app.name}`, signedIn: true, body, reportDay: window.lastDay });
}
