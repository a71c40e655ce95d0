import type { BetaTesterUsagesQuery } from './params/beta-tester-usages-query.js';
import type { TesterAppUsagesQuery } from './params/tester-app-usages-query.js';

/**
 * What the cursors of each listing are valid for (the scope their tag binds: services/cursor-token.ts), named
 * by the API's path and the parameters that decide which rows and values a listing has. The services take it
 * as an opaque string. These strings must not change: a cursor signed under one is refused under another, and
 * the page's example cursor (BQ.TGQPUQ, the demo's first page) is signed under the metrics scope as written.
 */

/** `<path>?<name>=<value>&...`, the parameters sorted by name, so the order the client used does not matter. */
export function cursorScope(path: string, params: Readonly<Record<string, string>>): string {
  const pairs = Object.keys(params)
    .sort()
    .map((name) => `${name}=${params[name]}`);
  return `${path}?${pairs.join('&')}`;
}

/** GET /v1/apps/{id}/metrics/betaTesterUsages: the app, the period, the grouping and the tester filter. */
export function betaTesterUsagesCursorScope(
  appId: string,
  query: Pick<BetaTesterUsagesQuery, 'period' | 'groupByTesters' | 'testerId'>,
): string {
  return testerMetricsScope(`/v1/apps/${appId}/metrics/betaTesterUsages`, query);
}

/** GET /v1/betaGroups/{id}/metrics/betaTesterUsages: the group, and the parameters of the app's. */
export function groupBetaTesterUsagesCursorScope(
  groupId: string,
  query: Pick<BetaTesterUsagesQuery, 'period' | 'groupByTesters' | 'testerId'>,
): string {
  return testerMetricsScope(`/v1/betaGroups/${groupId}/metrics/betaTesterUsages`, query);
}

/** GET /v1/betaTesters/{id}/metrics/betaTesterUsages: the tester, the period and the apps (as a set). */
export function testerAppUsagesCursorScope(
  testerId: string,
  query: Pick<TesterAppUsagesQuery, 'period' | 'appIds'>,
): string {
  return cursorScope(`/v1/betaTesters/${testerId}/metrics/betaTesterUsages`, {
    period: query.period,
    'filter[apps]': [...new Set(query.appIds)].sort().join(','),
  });
}

function testerMetricsScope(
  path: string,
  query: Pick<BetaTesterUsagesQuery, 'period' | 'groupByTesters' | 'testerId'>,
): string {
  const params: Record<string, string> = { period: query.period };
  if (query.groupByTesters) params.groupBy = 'betaTesters';
  if (query.testerId !== undefined) params['filter[betaTesters]'] = query.testerId;
  return cursorScope(path, params);
}
