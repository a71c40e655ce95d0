import type { BetaTesterUsagesQuery } from '../domain/beta-tester-usages-query.js';
import type { Clock } from '../domain/clock.js';
import { cursorScope } from '../domain/cursor-codec.js';
import { type UsageWindow, usageWindow } from '../domain/period.js';
import { type UsageValues, zeroUsage } from '../domain/usage-values.js';
import type { SnapshotStore } from '../storage/snapshot-store.js';
import type { UsageReads } from '../storage/usage-store.js';
import { readPage } from './cursor-paging.js';

export interface BetaTesterUsageRow {
  readonly testerId: string;
  readonly values: UsageValues;
}

export interface BetaTesterUsagesReport {
  readonly window: UsageWindow;
  readonly rows: readonly BetaTesterUsageRow[];
  /** The number of groups (testers) in all pages. */
  readonly total: number;
  readonly limit: number;
  readonly nextCursor?: string;
  /** What the report was read at: see BetaTesterUsagesService.freshness. */
  readonly freshness: string;
}

export interface BetaTesterUsagesService {
  /**
   * One page of an app's per-tester usage (apple-behavior.md §3): the testers who have installed the app,
   * ordered by id, with zeros where nothing happened in the window. The caller has checked the app exists.
   */
  readBetaTesterUsages(appId: string, query: BetaTesterUsagesQuery): Promise<BetaTesterUsagesReport>;
  /**
   * What every report of the app depends on besides its query: the app's data version and the report date.
   * Two reads of one query at the same freshness give the same report, so an answer kept with its freshness
   * is current while this says the same. Undefined when there is no such app.
   */
  freshness(appId: string): Promise<string | undefined>;
}

export function betaTesterUsagesService(
  store: UsageReads & SnapshotStore<UsageReads>,
  cursorKey: Uint8Array,
  reportClock: Clock,
): BetaTesterUsagesService {
  const freshnessOf = (version: string, window: UsageWindow) => `${version}@${window.end}`;
  return {
    async freshness(appId) {
      const version = await store.appDataVersion(appId);
      return version === undefined ? undefined : freshnessOf(version, usageWindow(reportClock.now(), 'P7D'));
    },

    readBetaTesterUsages(appId, query) {
      const filter = query.testerId === undefined ? {} : { testerId: query.testerId };
      const scopeParams: Record<string, string> = { period: query.period };
      if (query.groupByTesters) scopeParams.groupBy = 'betaTesters';
      if (query.testerId !== undefined) scopeParams['filter[betaTesters]'] = query.testerId;
      const window = usageWindow(reportClock.now(), query.period);
      return store.snapshot(async (reader) => {
        const version = (await reader.appDataVersion(appId)) ?? '0';
        const page = await readPage(
          {
            scope: cursorScope(`/v1/apps/${appId}/metrics/betaTesterUsages`, scopeParams),
            count: () => reader.countInstalledTesters(appId, filter),
            list: (window) => reader.listInstalledTesterIds(appId, filter, window),
            idOf: (testerId) => testerId,
          },
          cursorKey,
          query.cursor,
          query.limit,
        );
        const sums = await reader.sumUsageByTester(appId, page.rows, window.firstDay, window.lastDay);
        return {
          window,
          rows: page.rows.map((testerId) => ({ testerId, values: sums.get(testerId) ?? zeroUsage() })),
          total: page.total,
          limit: query.limit,
          ...(page.nextCursor !== undefined && { nextCursor: page.nextCursor }),
          freshness: freshnessOf(version, window),
        };
      });
    },
  };
}
