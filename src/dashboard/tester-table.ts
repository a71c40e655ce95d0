import type { TesterSortKey } from '../domain/tester-sort.js';
import type { TesterTable } from '../services/dashboard.js';
import { TESTERS_PER_PAGE } from '../services/dashboard.js';
import { formatCount, formatCrashRate, testerName } from './format.js';
import { type Html, html } from './html.js';
import { type AppView, appHref, firstDirectionIsDescending, testerHref } from './view-params.js';

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
 * The tester table with its status line and pager: inside the app page, and alone at
 * /dashboard/apps/:id/testers for the page's script. Its links are the full page's, so it works without script.
 */
export function testerTable(appId: string, view: AppView, table: TesterTable): Html {
  const first = (table.page - 1) * TESTERS_PER_PAGE + 1;
  const last = first + table.rows.length - 1;
  const matching = view.search === '' ? '' : ` matching “${view.search}”`;
  let status: string;
  if (table.matching === 0)
    status = view.search === '' ? 'This app has no testers yet.' : `No tester matches “${view.search}”.`;
  else if (table.rows.length === 0) status = `Page ${table.page} is past the last page (${table.pages}).`;
  else
    status = `Testers ${formatCount(first)}–${formatCount(last)} of ${formatCount(table.matching)}${matching}`;
  const link = (to: Partial<AppView>) => appHref(appId, { ...view, ...to });
  return html`<p class="table-status" data-sort="${view.sort}" data-dir="${view.descending ? 'desc' : 'asc'}" data-q="${view.search}">${status}${
    view.search !== '' &&
    html` <a href="${link({ search: '', page: 1 })}" data-table-link>Show every tester</a>`
  }</p>
${
  table.rows.length > 0 &&
  html`<div class="table-scroll" tabindex="0" role="region" aria-label="Testers (scrolls sideways on small screens)">
<table>
  <thead><tr>${COLUMNS.map((column) => header(column, view, link))}</tr></thead>
  <tbody>${table.rows.map(
    (row) => html`<tr data-tester="${row.testerId}">
    <td><a href="${testerHref(appId, row.testerId, view.period)}">${testerName(row)}</a></td>
    <td>${row.email}</td>
    <td><span class="state">${row.state}</span></td>
    <td class="num">${formatCount(row.values.sessionCount)}</td>
    <td class="num">${formatCount(row.values.crashCount)}</td>
    <td class="num">${formatCount(row.values.feedbackCount)}</td>
    <td class="num">${formatCrashRate(row.values.crashCount, row.values.sessionCount)}</td>
    <td>${row.lastSeenDay === null ? '—' : html`<time datetime="${row.lastSeenDay}">${row.lastSeenDay}</time>`}</td>
  </tr>`,
  )}</tbody>
</table>
</div>`
}
${table.pages > 1 && pager(table, link)}`;
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
