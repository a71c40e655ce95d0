import type { Clock } from '../domain/clock.js';
import { PERIODLESS_REPORT_PERIOD, type UsageWindow, usageWindow } from '../domain/period.js';
import { type PublicLinkValues, publicLinkValues } from '../domain/usage-values.js';
import type { SnapshotStore } from '../storage/snapshot-store.js';
import type { UsageReads } from '../storage/usage-store.js';
import { reportFreshness } from './beta-tester-usages.js';

export interface PublicLinkUsagesReport {
  readonly window: UsageWindow;
  readonly values: PublicLinkValues;
  readonly freshness: string;
}

export interface PublicLinkUsagesService {
  /**
   * What a beta group's public link saw (GET /v1/betaGroups/{id}/metrics/publicLinkUsages): its public-link
   * events over the year ending with the report date (domain/period.ts, PERIODLESS_REPORT_PERIOD). Undefined
   * when there is no such group.
   */
  readPublicLinkUsages(groupId: string): Promise<PublicLinkUsagesReport | undefined>;
  /** The group's app's data version and the report date; undefined when there is no such group. */
  freshness(groupId: string): Promise<string | undefined>;
}

export function publicLinkUsagesService(
  store: UsageReads & SnapshotStore<UsageReads>,
  reportClock: Clock,
): PublicLinkUsagesService {
  return {
    async freshness(groupId) {
      const group = await store.groupDataVersion(groupId);
      return group === undefined ? undefined : reportFreshness(group.version, reportClock.now());
    },

    readPublicLinkUsages(groupId) {
      const reportTime = reportClock.now();
      const window = usageWindow(reportTime, PERIODLESS_REPORT_PERIOD);
      return store.snapshot(async (reader) => {
        const group = await reader.groupDataVersion(groupId);
        if (group === undefined) return undefined;
        const counts = await reader.sumPublicLinkUsage(group.appId, groupId, window.firstDay, window.lastDay);
        return {
          window,
          values: publicLinkValues(counts),
          freshness: reportFreshness(group.version, reportTime),
        };
      });
    },
  };
}
