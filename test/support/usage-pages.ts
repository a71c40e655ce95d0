import type { PeriodCode } from '../../src/domain/period.js';
import type { BetaTesterUsageRow } from '../../src/services/beta-tester-usages.js';
import type { CursorToken } from '../../src/services/cursor-token.js';
import type { Services } from '../../src/services/services.js';

export const PERIODS: readonly PeriodCode[] = ['P7D', 'P30D', 'P90D', 'P365D'];

export interface UsagePage {
  readonly total: number;
  readonly rows: readonly BetaTesterUsageRow[];
}

/**
 * Every page of an app's per-tester metrics for a period, following the cursors as a client would. Cursors
 * themselves are left out: each store signs them with its own key.
 */
export async function usagePages(
  services: Pick<Services, 'betaTesterUsages'>,
  appId: string,
  period: PeriodCode,
  limit = 200,
): Promise<UsagePage[]> {
  const pages: UsagePage[] = [];
  let after: CursorToken | undefined;
  for (;;) {
    const report = await services.betaTesterUsages.readBetaTesterUsages(appId, {
      period,
      limit,
      after,
      scope: `usage pages of ${appId}`,
    });
    pages.push({ total: report.total, rows: report.rows });
    if (report.next === undefined) return pages;
    after = report.next;
  }
}

/** Every period's pages, keyed by period. */
export async function metricsOf(
  services: Pick<Services, 'betaTesterUsages'>,
  appId: string,
  limit = 200,
): Promise<Record<string, UsagePage[]>> {
  const all: Record<string, UsagePage[]> = {};
  for (const period of PERIODS) all[period] = await usagePages(services, appId, period, limit);
  return all;
}
