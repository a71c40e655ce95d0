import type { FeedbackKind } from '../../domain/records/feedback-inbox.js';
import type { FeedbackInboxPage } from '../../services/feedback-inbox.js';
import { appNav } from '../app-nav.js';
import { ALL_FEEDBACK, type FeedbackView, feedbackHref } from '../feedback-params.js';
import { testerName } from '../format.js';
import { type Html, html } from '../html.js';
import { page } from '../layout.js';
import type { ScreenshotLinker } from '../screenshot-links.js';
import { appHref, appsHref, DEFAULT_VIEW } from '../view-params.js';
import { feedbackBuildLabel, feedbackItem } from './feedback-item.js';

const KINDS: ReadonlyArray<[FeedbackKind | undefined, string]> = [
  [undefined, 'All'],
  ['screenshot', 'Screenshots'],
  ['crash', 'Crashes'],
];

/**
 * GET /dashboard/apps/:id/feedback: the app's feedback submissions, screenshots and crashes together, newest
 * first, a page at a time (services/feedback-inbox.ts FEEDBACK_PER_PAGE), filtered by kind, build and tester.
 * Filters are links and a GET form, so every view is an address and works without script.
 */
export function feedbackPage(inbox: FeedbackInboxPage, view: FeedbackView, links: ScreenshotLinker): Html {
  const { app } = inbox;
  const filteredView = view.kind !== undefined || view.buildId !== undefined || view.testerId !== undefined;
  const body = html`<p class="crumbs"><a href="${appsHref()}">Apps</a> › <a href="${appHref(app.id, DEFAULT_VIEW)}">${app.name}</a> › Feedback</p>
<h1>${app.name}</h1>
${appNav(app.id, 'feedback', DEFAULT_VIEW.period)}
<h2>Feedback</h2>
${filters(inbox, view)}
${
  inbox.items.length === 0
    ? emptyInbox(inbox, view, filteredView)
    : html`<ol class="feedback-list" aria-label="Feedback, newest first">${inbox.items.map(
        (item) => html`<li>${feedbackItem(app.id, item, view, links)}</li>`,
      )}</ol>`
}
${pager(inbox, view)}`;
  return page({ title: `Feedback · ${app.name}`, signedIn: true, body });
}

function filters(inbox: FeedbackInboxPage, view: FeedbackView): Html {
  const { app, tester } = inbox;
  const { before: _page, ...current } = view;
  return html`<div class="feedback-filters">
<nav aria-label="Kind of feedback"><ul class="periods">${KINDS.map(
    ([kind, title]) =>
      html`<li><a href="${feedbackHref(app.id, { ...current, kind })}" data-kind-filter="${kind ?? 'all'}"${
        kind === view.kind && html` aria-current="page"`
      }>${title}</a></li>`,
  )}</ul></nav>
<form class="filter" method="get" action="${feedbackHref(app.id)}">
  ${view.kind !== undefined && html`<input type="hidden" name="type" value="${view.kind}">`}
  ${view.testerId !== undefined && html`<input type="hidden" name="tester" value="${view.testerId}">`}
  <label for="feedback-build">Build</label>
  <select id="feedback-build" name="build">
    <option value="">All builds</option>
    ${inbox.buildChoices.map(
      (build) =>
        html`<option value="${build.id}"${build.id === view.buildId && html` selected`}>${feedbackBuildLabel(build)}</option>`,
    )}
  </select>
  <button type="submit">Show</button>
</form>
${
  tester !== undefined &&
  html`<p class="active-filter">From <strong>${testerName(tester) === '(no name)' ? tester.email : testerName(tester)}</strong>
  <span class="email">${tester.email}</span> · <a href="${feedbackHref(app.id, { ...current, testerId: undefined })}">every tester</a></p>`
}
</div>`;
}

function emptyInbox(inbox: FeedbackInboxPage, view: FeedbackView, filteredView: boolean): Html {
  if (view.before !== undefined)
    return html`<div class="empty"><p>No older feedback. <a href="${feedbackHref(inbox.app.id, { ...view, before: undefined })}">Back to the newest</a>.</p></div>`;
  if (filteredView)
    return html`<div class="empty"><p><strong>No feedback matches these filters.</strong>
  <a href="${feedbackHref(inbox.app.id, ALL_FEEDBACK)}">Show all feedback</a>.</p></div>`;
  return html`<div class="empty"><p><strong>No feedback yet.</strong> A tester's screenshot feedback and crashes
  appear here, newest first, once the app sends them as <code>feedback</code> and <code>crash</code> events with
  their content (see "Sending events" in the README), or an operator records them with
  <code>beta-metrics feedback screenshot</code> and <code>beta-metrics feedback crash</code>.</p></div>`;
}

function pager(inbox: FeedbackInboxPage, view: FeedbackView): Html | false {
  if (view.before === undefined && inbox.next === undefined) return false;
  return html`<nav class="pager" aria-label="Pages of feedback">${
    view.before !== undefined &&
    html`<a href="${feedbackHref(inbox.app.id, { ...view, before: undefined })}">« Newest</a>`
  }${
    inbox.next !== undefined &&
    html`<a href="${feedbackHref(inbox.app.id, { ...view, before: inbox.next })}" rel="next">Older ›</a>`
  }</nav>`;
}
