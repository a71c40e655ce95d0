import type { Clock } from '../domain/clock.js';
import { type PeriodCode, type UsageWindow, usageWindow } from '../domain/period.js';
import { type UsageValues, zeroUsage } from '../domain/usage-values.js';
import type { SnapshotStore } from '../storage/snapshot-store.js';
import type { UsageReads } from '../storage/usage-store.js';
import { freshnessNow, reportFreshness } from './beta-tester-usages.js';
import type { KeptReads } from '../storage/kept-reads.js';
import type { CursorToken } from './cursor-token.js';
import { type PageRequest, readPage } from './cursor-paging.js';

/** One tester's usage of one app over the window. */
export interface TesterAppUsageRow {
  readonly appId: string;
  readonly values: UsageValues;
}

/** Which page of a tester's usage per app, of which apps (`filter[apps]`), over which period. */
export interface TesterAppUsagesPageQuery extends PageRequest {
  readonly period: PeriodCode;
  readonly appIds: readonly string[];
}

export interface TesterAppUsagesReport {
  readonly window: UsageWindow;
  readonly rows: readonly TesterAppUsageRow[];
  /** The number of groups (apps) in all pages. */
  readonly total: number;
  readonly limit: number;
  readonly next?: CursorToken;
  readonly freshness: string;
}

export interface TesterAppUsagesService {
  /**
   * One page of a tester's usage per app (GET /v1/betaTesters/{id}/metrics/betaTesterUsages): of the apps of
   * `appIds`, those the tester has installed (docs/apple-behavior.md, §3), ordered by id, with zeros where
   * nothing happened in the window. The caller has checked the tester exists.
   */
  readTesterAppUsages(testerId: string, query: TesterAppUsagesPageQuery): Promise<TesterAppUsagesReport>;
  /**
   * What the tester's reports over `appIds` depend on besides the query: each app's data version and the
   * report date. Undefined when there is no such tester.
   */
  freshness(testerId: string, appIds: readonly string[]): Promise<string | undefined>;
  /** `freshness` from what the store keeps alone (storage/kept-reads.ts); undefined unless all of it is kept. */
  keptFreshness(testerId: string, appIds: readonly string[], kept: KeptReads): string | undefined;
}

/** The apps' versions in one text, in id order (an app that does not exist is `-`: it lists nothing). */
function versionsOf(appIds: readonly string[], versions: ReadonlyMap<string, string>): string {
  return [...new Set(appIds)]
    .sort()
    .map((appId) => `${appId}=${versions.get(appId) ?? '-'}`)
    .join(',');
}

export function testerAppUsagesService(
  store: UsageReads & SnapshotStore<UsageReads>,
  cursorKey: Uint8Array,
  reportClock: Clock,
): TesterAppUsagesService {
  const freshnessOf = (appIds: readonly string[], versions: Map<string, string> | undefined) =>
    freshnessNow(versions && versionsOf(appIds, versions), reportClock);
  return {
    async freshness(testerId, appIds) {
      return freshnessOf(appIds, await store.testerAppDataVersions(testerId, appIds));
    },

    keptFreshness: (testerId, appIds, kept) =>
      freshnessOf(appIds, kept.testerAppDataVersions(testerId, appIds)),

    readTesterAppUsages(testerId, query) {
      const reportTime = reportClock.now();
      const window = usageWindow(reportTime, query.period);
      return store.snapshot(async (reader) => {
        const versions = (await reader.testerAppDataVersions(testerId, query.appIds)) ?? new Map();
        const page = await readPage(
          {
            count: () => reader.countInstalledApps(testerId, query.appIds),
            list: (rows) => reader.listInstalledAppIds(testerId, query.appIds, rows),
            idOf: (appId) => appId,
          },
          cursorKey,
          query,
        );
        const sums = await reader.sumUsageByApp(testerId, page.rows, window.firstDay, window.lastDay);
        return {
          window,
          rows: page.rows.map((appId) => ({ appId, values: sums.get(appId) ?? zeroUsage() })),
          total: page.total,
          limit: query.limit,
          ...(page.next !== undefined && { next: page.next }),
          freshness: reportFreshness(versionsOf(query.appIds, versions), reportTime),
        };
      });
    },
  };
}
