import { PERIOD_DAYS } from '../../domain/period.js';
import type { GroupDetail } from '../../services/dashboard.js';
import { appNav } from '../app-nav.js';
import { formatCount, formatDay } from '../format.js';
import { type Html, html } from '../html.js';
import { page } from '../layout.js';
import { groupTesters, testerSection } from '../tester-table.js';
import {
  type AppView,
  appHref,
  appsHref,
  DEFAULT_VIEW,
  groupActionHref,
  groupHref,
  groupsHref,
} from '../view-params.js';
import { periodLinks } from './app-page.js';

/** The invite form's fields, as a person typed them. */
export interface InviteFields {
  readonly email: string;
  readonly firstName: string;
  readonly lastName: string;
}

/** Why a change on the page was refused, shown above the form; the invite form keeps what was typed. */
export interface GroupRefusal {
  readonly message: string;
  readonly typed?: InviteFields;
}

/**
 * GET /dashboard/apps/:id/groups/:groupId: a beta group, the form that invites a tester into it, and its
 * testers' table over the period, each row with a button that takes the tester out of the group.
 */
export function groupPage(detail: GroupDetail, view: AppView, refusal?: GroupRefusal): Html {
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
${refusal !== undefined && html`<p class="notice refusal" role="alert">${refusal.message}</p>`}
${inviteForm(groupActionHref(app.id, group.id, 'invite', view), refusal?.typed)}
${testerSection(groupTesters(app.id, group.id), view, table)}`;
  return page({ title: `${group.name} · ${app.name}`, signedIn: true, body, reportDay: window.lastDay });
}

function inviteForm(action: string, typed: InviteFields = { email: '', firstName: '', lastName: '' }): Html {
  return html`<section class="invite" aria-labelledby="invite-heading">
  <h2 id="invite-heading">Invite a tester</h2>
  <form method="post" action="${action}">
    <label for="invite-email">Email</label>
    <input id="invite-email" name="email" type="email" required maxlength="254" autocomplete="off" value="${typed.email}">
    <label for="invite-first-name">First name</label>
    <input id="invite-first-name" name="firstName" maxlength="256" autocomplete="off" value="${typed.firstName}">
    <label for="invite-last-name">Last name</label>
    <input id="invite-last-name" name="lastName" maxlength="256" autocomplete="off" value="${typed.lastName}">
    <button type="submit" class="primary">Invite</button>
  </form>
  <p class="note">A new tester joins the app and this group, invited by email. Someone already testing the app joins the group.</p>
</section>`;
}
