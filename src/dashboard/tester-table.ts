import type { TesterSortKey } from '../domain/tester-sort.js';
import type { TesterTable } from '../services/dashboard.js';
import { TESTERS_PER_PAGE } from '../services/dashboard.js';
import { DASHBOARD_PATH } from '../services/dashboard-sessions.js';
import { formatCount, formatCrashRate, testerName } from './format.js';
import { type Html, html } from './html.js';
import {
  type AppView,
  appHref,
  firstDirectionIsDescending,
  groupActionHref,
  groupHref,
  testerHref,
} from './view-params.js';

/** Whose testers a table lists: the app's, or one of its beta groups'. */
export interface TesterTableScope {
  readonly appId: string;
  /** The page's path: its links add the view's query, and the script fetches the table alone at `path/testers`. */
  readonly path: string;
  /** The page of the table in another view. */
  readonly href: (view: AppView) => string;
  /** What the table says when there is no tester at all. */
  readonly none: string;
  /** Where a row's "Remove from group" button posts, in a view (a group's table only). */
  readonly removeAction?: (view: AppView) => string;
}

export function appTesters(appId: string): TesterTableScope {
  return {
    appId,
    path: `${DASHBOARD_PATH}/apps/${encodeURIComponent(appId)}`,
    href: (view) => appHref(appId, view),
    none: 'This app has no testers yet.',
  };
}

export function groupTesters(appId: string, groupId: string): TesterTableScope {
  return {
    appId,
    path: `${DASHBOARD_PATH}/apps/${encodeURIComponent(appId)}/groups/${encodeURIComponent(groupId)}`,
    href: (view) => groupHref(appId, groupId, view),
    none: 'This group has no testers of the app yet.',
    removeAction: (view) => groupActionHref(appId, groupId, 'remove', view),
  };
}

/** The tester table with its filter form, as a page shows it (the page's script enhances it). */
export function testerSection(scope: TesterTableScope, view: AppView, table: TesterTable): Html {
  return html`<section id="testers" class="testers" aria-labelledby="testers-heading" data-app-path="${scope.path}">
  <h2 id="testers-heading">Testers</h2>
  <div class="table-tools">
    <form class="filter" method="get" action="${scope.path}" role="search">
      <input type="hidden" name="period" value="${view.period}">
      <input type="hidden" name="sort" value="${view.sort}">
      <input type="hidden" name="dir" value="${view.descending ? 'desc' : 'asc'}">
      <label for="q">Find a tester</label>
      <input id="q" name="q" type="search" value="${view.search}" placeholder="Name or email" autocomplete="off" maxlength="100">
      <button type="submit">Find</button>
    </form>
  </div>
  <p id="table-announcer" class="visually-hidden" aria-live="polite"></p>
  <div id="tester-table">${testerTable(scope, view, table)}</div>
</section>`;
}

const COLUMNS: ReadonlyArray<{ key: TesterSortKey; title: string; numeric: boolean }> = [
  { key: 'name', title: 'Name', numeric: false },
  { key: 'email', title: 'Email', numeric: false },
  { key: 'state', title: 'State', numeric: false },
  { key: 'sessions', title: 'Sessions', numeric: true },
  { key: 'crashes', title: 'Crashes', numeric: true },
  { key: 'feedback', title: 'Feedback', numeric: true },
  { key: 'crashRate', title: 'Crashes per 100 sessions', numeric: true },
  { key: 'lastSeen', title: 'Last seen', numeric: false },
];

/**
 * The tester table with its status line and pager: inside the app's or a group's page, and alone at the page's
 * path + /testers for the page's script. Its links are the full page's, so it works without script.
 */
export function testerTable(scope: TesterTableScope, view: AppView, table: TesterTable): Html {
  const { appId } = scope;
  const first = (table.page - 1) * TESTERS_PER_PAGE + 1;
  const last = first + table.rows.length - 1;
  const matching = view.search === '' ? '' : ` matching “${view.search}”`;
  let status: string;
  if (table.matching === 0) status = view.search === '' ? scope.none : `No tester matches “${view.search}”.`;
  else if (table.rows.length === 0) status = `Page ${table.page} is past the last page (${table.pages}).`;
  else
    status = `Testers ${formatCount(first)}–${formatCount(last)} of ${formatCount(table.matching)}${matching}`;
  const link = (to: Partial<AppView>) => scope.href({ ...view, ...to });
  const removeAction = scope.removeAction?.(view);
  return html`<p class="table-status" data-sort="${view.sort}" data-dir="${view.descending ? 'desc' : 'asc'}" data-q="${view.search}">${status}${
    view.search !== '' &&
    html` <a href="${link({ search: '', page: 1 })}" data-table-link>Show every tester</a>`
  }</p>
${
  table.rows.length > 0 &&
  html`<div class="table-scroll" tabindex="0" role="region" aria-label="Testers (scrolls sideways on small screens)">
<table>
  <thead><tr>${COLUMNS.map((column) => header(column, view, link))}${
    removeAction !== undefined && html`<th scope="col"><span class="visually-hidden">Actions</span></th>`
  }</tr></thead>
  <tbody>${table.rows.map(
    (row) => html`<tr data-tester="${row.testerId}">
    <td><a href="${testerHref(appId, row.testerId, view.period)}">${testerName(row)}</a></td>
    <td>${row.email}</td>
    <td><span class="state">${row.state}</span></td>
    <td class="num">${formatCount(row.values.sessionCount)}</td>
    <td class="num">${formatCount(row.values.crashCount)}</td>
    <td class="num">${formatCount(row.values.feedbackCount)}</td>
    <td class="num">${formatCrashRate(row.values.crashCount, row.values.sessionCount)}</td>
    <td>${row.lastSeenDay === null ? '—' : html`<time datetime="${row.lastSeenDay}">${row.lastSeenDay}</time>`}</td>${
      removeAction !== undefined && removeButton(removeAction, row)
    }
  </tr>`,
  )}</tbody>
</table>
</div>`
}
${table.pages > 1 && pager(table, link)}`;
}

/** A plain form per row (no script): the tester leaves the group and stays in the app. */
function removeButton(action: string, row: TesterTable['rows'][number]): Html {
  return html`
    <td class="actions"><form method="post" action="${action}"><input type="hidden" name="testerId" value="${row.testerId}"><button type="submit">Remove<span class="visually-hidden"> ${testerName(row)}</span> from group</button></form></td>`;
}

function header(
  column: (typeof COLUMNS)[number],
  view: AppView,
  link: (to: Partial<AppView>) => string,
): Html {
  const sorted = view.sort === column.key;
  const descending = sorted ? !view.descending : firstDirectionIsDescending(column.key);
  const ariaSort = sorted ? (view.descending ? 'descending' : 'ascending') : undefined;
  const mark = sorted ? (view.descending ? '▼' : '▲') : '';
  return html`<th scope="col"${column.numeric ? html` class="num"` : ''}${ariaSort && html` aria-sort="${ariaSort}"`}><a href="${link({ sort: column.key, descending, page: 1 })}" data-table-link data-sort-key="${column.key}">${column.title}<span class="sort-mark" aria-hidden="true">${mark}</span><span class="visually-hidden">, sort ${descending ? 'descending' : 'ascending'}</span></a></th>`;
}

function pager(table: TesterTable, link: (to: Partial<AppView>) => string): Html {
  const to = (page: number, text: string, rel?: string) =>
    html`<a href="${link({ page })}" data-table-link${rel && html` rel="${rel}"`}>${text}</a>`;
  return html`<nav class="pager" aria-label="Pages of testers">
  ${table.page > 1 && [to(1, '« First'), to(table.page - 1, '‹ Previous', 'prev')]}
  <span>Page ${formatCount(table.page)} of ${formatCount(table.pages)}</span>
  ${table.page < table.pages && [to(table.page + 1, 'Next ›', 'next'), to(table.pages, 'Last »')]}
</nav>`;
}
