import type { Clock } from '../domain/clock.js';
import { PERIODLESS_REPORT_PERIOD, type UsageWindow, usageWindow } from '../domain/period.js';
import type { BuildUsageValues } from '../domain/usage-values.js';
import type { SnapshotStore } from '../storage/snapshot-store.js';
import type { UsageReads } from '../storage/usage-store.js';
import { freshnessNow, reportFreshness } from './beta-tester-usages.js';
import type { KeptReads } from '../storage/kept-reads.js';

export interface BuildUsagesReport {
  readonly window: UsageWindow;
  readonly values: BuildUsageValues;
  readonly freshness: string;
}

export interface BuildUsagesService {
  /**
   * A build's usage (GET /v1/builds/{id}/metrics/betaBuildUsages): the events of every tester that name its
   * build number, over the year ending with the report date (domain/period.ts, PERIODLESS_REPORT_PERIOD), and
   * how many testers it is given to (docs/apple-behavior.md, §11). Undefined when there is no such build.
   */
  readBuildUsages(buildId: string): Promise<BuildUsagesReport | undefined>;
  /** The build's app's data version and the report date; undefined when there is no such build. */
  freshness(buildId: string): Promise<string | undefined>;
  /** `freshness` from what the store keeps alone (storage/kept-reads.ts); undefined unless all of it is kept. */
  keptFreshness(buildId: string, kept: KeptReads): string | undefined;
}

export function buildUsagesService(
  store: UsageReads & SnapshotStore<UsageReads>,
  reportClock: Clock,
): BuildUsagesService {
  const freshnessAt = (read: { readonly version: string } | undefined) =>
    freshnessNow(read?.version, reportClock);
  return {
    async freshness(buildId) {
      return freshnessAt(await store.buildDataVersion(buildId));
    },

    keptFreshness: (buildId, kept) => freshnessAt(kept.buildDataVersion(buildId)),

    readBuildUsages(buildId) {
      const reportTime = reportClock.now();
      const window = usageWindow(reportTime, PERIODLESS_REPORT_PERIOD);
      return store.snapshot(async (reader) => {
        const build = await reader.buildDataVersion(buildId);
        if (build === undefined) return undefined;
        const values = await reader.sumBuildUsage(
          { buildId, appId: build.appId, buildNumber: build.buildNumber },
          window.firstDay,
          window.lastDay,
        );
        return { window, values, freshness: reportFreshness(build.version, reportTime) };
      });
    },
  };
}
