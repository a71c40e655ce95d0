import type { PeriodCode } from '../../domain/period.js';
import type { GroupsDetail } from '../../services/dashboard.js';
import { appNav } from '../app-nav.js';
import { formatCount } from '../format.js';
import { type Html, html } from '../html.js';
import { page } from '../layout.js';
import { appHref, appsHref, DEFAULT_VIEW, groupHref } from '../view-params.js';

/** GET /dashboard/apps/:id/groups: the app's beta groups with their testers. */
export function groupsPage(detail: GroupsDetail, period: PeriodCode): Html {
  const { app, groups } = detail;
  const body = html`<p class="crumbs"><a href="${appsHref()}">Apps</a> › <a href="${appHref(app.id, { ...DEFAULT_VIEW, period })}">${app.name}</a> › Groups</p>
<h1>${app.name}</h1>
${appNav(app.id, 'groups', period)}
<h2>Beta groups</h2>
${
  groups.length === 0
    ? html`<div class="empty"><p><strong>No beta groups yet:</strong> create them with
  <code>beta-metrics groups create</code> or a <code>group</code> line of <code>beta-metrics import</code>
  (docs/import-format.md).</p></div>`
    : html`<div class="table-scroll" tabindex="0" role="region" aria-label="Beta groups (scrolls sideways on small screens)">
<table class="groups">
  <thead><tr><th scope="col">Group</th><th scope="col">Type</th><th scope="col">Public link</th><th scope="col" class="num">Testers</th></tr></thead>
  <tbody>${groups.map(
    (group) => html`<tr data-group="${group.id}">
    <th scope="row"><a href="${groupHref(app.id, group.id, { ...DEFAULT_VIEW, period })}">${group.name}</a></th>
    <td>${group.isInternal ? 'Internal' : 'External'}</td>
    <td>${group.isInternal ? '—' : group.publicLinkEnabled ? 'On' : 'Off'}</td>
    <td class="num">${formatCount(group.testers)}</td>
  </tr>`,
  )}</tbody>
</table>
</div>
<p class="note">A group's page lists its testers with their numbers for a period. Testers: members who are testers
  of the app, in any state.</p>`
}`;
  return page({ title: `Groups · ${app.name}`, signedIn: true, body });
}
