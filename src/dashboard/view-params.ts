import { isPeriodCode, type PeriodCode } from '../domain/period.js';
import { unstorableText } from '../domain/storable-text.js';
import { isTesterSortKey, TESTER_SORT_KEYS, type TesterSortKey } from '../domain/tester-sort.js';
import { DASHBOARD_PATH } from '../services/dashboard-sessions.js';

/** What an app page shows: its period and one page of its tester table. Every part lives in the URL. */
export interface AppView {
  readonly period: PeriodCode;
  readonly sort: TesterSortKey;
  readonly descending: boolean;
  readonly search: string;
  /** From 1. */
  readonly page: number;
}

export const DASHBOARD_PERIODS: readonly PeriodCode[] = ['P7D', 'P30D', 'P90D', 'P365D'];
export const DEFAULT_VIEW: AppView = {
  period: 'P30D',
  sort: 'sessions',
  descending: true,
  search: '',
  page: 1,
};
const MAX_SEARCH = 100;
const MAX_PAGE = 1_000_000;

/** Counts and days read best largest (latest) first; text A to Z. */
export function firstDirectionIsDescending(sort: TesterSortKey): boolean {
  return !['name', 'email', 'state'].includes(sort);
}

export class ViewParamError extends Error {}

/** The view a query string asks for; ViewParamError says what is wrong, in words for the page. */
export function parseAppView(query: unknown): AppView {
  const value = (name: string) => {
    const raw = (query as Record<string, unknown> | undefined)?.[name];
    if (raw === undefined) return undefined;
    if (typeof raw !== 'string') throw new ViewParamError(`Give '${name}' once.`);
    return raw;
  };
  const period = value('period') ?? DEFAULT_VIEW.period;
  if (!isPeriodCode(period))
    throw new ViewParamError(`'${period}' is not a period: choose ${DASHBOARD_PERIODS.join(', ')}.`);
  const sortText = value('sort');
  const sort = sortText ?? DEFAULT_VIEW.sort;
  if (!isTesterSortKey(sort))
    throw new ViewParamError(`'${sort}' is not a column to sort by: choose ${TESTER_SORT_KEYS.join(', ')}.`);
  const dir = value('dir');
  if (dir !== undefined && dir !== 'asc' && dir !== 'desc')
    throw new ViewParamError(`'${dir}' is not a direction: choose asc or desc.`);
  const search = (value('q') ?? '').trim();
  if (search.length > MAX_SEARCH)
    throw new ViewParamError(`The text to find is longer than ${MAX_SEARCH} characters.`);
  // No stored text holds it, and PostgreSQL would fail on it (domain/storable-text.ts).
  const unstorable = unstorableText(search);
  if (unstorable !== undefined) throw new ViewParamError(`The text to find ${unstorable}.`);
  const pageText = value('page') ?? '1';
  const page = /^\d{1,7}$/.test(pageText) ? Number(pageText) : Number.NaN;
  if (!(page >= 1 && page <= MAX_PAGE)) throw new ViewParamError(`'${pageText}' is not a page number.`);
  // Without `dir`, a column sorts the way it is read best; without `sort` either, the default view's way.
  let descending = sortText === undefined ? DEFAULT_VIEW.descending : firstDirectionIsDescending(sort);
  if (dir !== undefined) descending = dir === 'desc';
  return { period, sort, descending, search, page };
}

/** The period of a tester page. */
export function parsePeriodOnly(query: unknown): PeriodCode {
  return parseAppView({ period: (query as Record<string, unknown> | undefined)?.period }).period;
}

/** The query string of `view` (with `?`), leaving out what is the default, in a fixed order. */
export function viewQuery(view: AppView): string {
  const params = new URLSearchParams();
  if (view.period !== DEFAULT_VIEW.period) params.set('period', view.period);
  if (view.sort !== DEFAULT_VIEW.sort || view.descending !== DEFAULT_VIEW.descending) {
    params.set('sort', view.sort);
    params.set('dir', view.descending ? 'desc' : 'asc');
  }
  if (view.search !== '') params.set('q', view.search);
  if (view.page !== 1) params.set('page', String(view.page));
  const text = params.toString();
  return text === '' ? '' : `?${text}`;
}

export const appsHref = () => DASHBOARD_PATH;
export const appHref = (appId: string, view: AppView) =>
  `${DASHBOARD_PATH}/apps/${encodeURIComponent(appId)}${viewQuery(view)}`;
/** The tester table alone (the page's script swaps it in), for the same view. */
export const tableHref = (appId: string, view: AppView) =>
  `${DASHBOARD_PATH}/apps/${encodeURIComponent(appId)}/testers${viewQuery(view)}`;
const periodQuery = (period: PeriodCode) => (period === DEFAULT_VIEW.period ? '' : `?period=${period}`);
export const testerHref = (appId: string, testerId: string, period: PeriodCode) =>
  `${DASHBOARD_PATH}/apps/${encodeURIComponent(appId)}/testers/${encodeURIComponent(testerId)}${periodQuery(period)}`;
export const buildsHref = (appId: string, period: PeriodCode) =>
  `${DASHBOARD_PATH}/apps/${encodeURIComponent(appId)}/builds${periodQuery(period)}`;
export const groupsHref = (appId: string, period: PeriodCode) =>
  `${DASHBOARD_PATH}/apps/${encodeURIComponent(appId)}/groups${periodQuery(period)}`;
/** A group's page, with its tester table in `view`. */
export const groupHref = (appId: string, groupId: string, view: AppView) =>
  `${DASHBOARD_PATH}/apps/${encodeURIComponent(appId)}/groups/${encodeURIComponent(groupId)}${viewQuery(view)}`;
/** Where a group page's form posts (`invite`, `remove`), carrying the view to come back to. */
export const groupActionHref = (appId: string, groupId: string, action: 'invite' | 'remove', view: AppView) =>
  `${DASHBOARD_PATH}/apps/${encodeURIComponent(appId)}/groups/${encodeURIComponent(groupId)}/${action}${viewQuery(view)}`;
