import type { Clock } from '../domain/clock.js';
import { PERIODLESS_REPORT_PERIOD, type UsageWindow, usageWindow } from '../domain/period.js';
import { type PublicLinkValues, publicLinkValues } from '../domain/usage-values.js';
import type { SnapshotStore } from '../storage/snapshot-store.js';
import type { UsageReads } from '../storage/usage-store.js';
import { freshnessNow, reportFreshness } from './beta-tester-usages.js';
import type { KeptReads } from '../storage/kept-reads.js';

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
  /** `freshness` from what the store keeps alone (storage/kept-reads.ts); undefined unless all of it is kept. */
  keptFreshness(groupId: string, kept: KeptReads): string | undefined;
}

export function publicLinkUsagesService(
  store: UsageReads & SnapshotStore<UsageReads>,
  reportClock: Clock,
): PublicLinkUsagesService {
  const freshnessAt = (read: { readonly version: string } | undefined) =>
    freshnessNow(read?.version, reportClock);
  return {
    async freshness(groupId) {
      return freshnessAt(await store.groupDataVersion(groupId));
    },

    keptFreshness: (groupId, kept) => freshnessAt(kept.groupDataVersion(groupId)),

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
