import type { Clock } from '../domain/clock.js';
import { PERIODLESS_REPORT_PERIOD, type UsageWindow, usageWindow } from '../domain/period.js';
import type { BuildUsageValues } from '../domain/usage-values.js';
import type { SnapshotStore } from '../storage/snapshot-store.js';
import type { UsageReads } from '../storage/usage-store.js';
import { reportFreshness } from './beta-tester-usages.js';

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
}

export function buildUsagesService(
  store: UsageReads & SnapshotStore<UsageReads>,
  reportClock: Clock,
): BuildUsagesService {
  return {
    async freshness(buildId) {
      const build = await store.buildDataVersion(buildId);
      return build === undefined ? undefined : reportFreshness(build.version, reportClock.now());
    },

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
