import type { CalendarDay } from '../domain/calendar-day.js';
import type { AppendResult, EventPosition, UsageEventRecord } from '../domain/records/usage-event-record.js';
import type { RowWindow } from '../domain/row-window.js';
import type { UsageValues } from '../domain/usage-values.js';

/** Which installed testers a metrics listing reads. */
export interface InstalledTesterFilter {
  /** Only this tester (the `filter[betaTesters]` of the metrics endpoint). */
  readonly testerId?: string;
}

/** Usage: raw events, the rollups the metrics read, installed testers and each app's data version. */
export interface UsageReads {
  /** Ids of the app's testers who have installed it (the testers its metrics list), ordered by id. */
  listInstalledTesterIds(appId: string, filter: InstalledTesterFilter, window: RowWindow): Promise<string[]>;
  /** How many testers listInstalledTesterIds would list in all. Reads the memberships, not the usage rows. */
  countInstalledTesters(appId: string, filter: InstalledTesterFilter): Promise<number>;
  /**
   * Usage of each of `testerIds` in `appId` over the UTC days `firstDay`..`lastDay`, both included. Testers
   * without usage in those days are absent from the map.
   */
  sumUsageByTester(
    appId: string,
    testerIds: readonly string[],
    firstDay: CalendarDay,
    lastDay: CalendarDay,
  ): Promise<Map<string, UsageValues>>;

  /**
   * The app's data version: a number raised by every committed write that changes what the app's metrics
   * answer (new events, testers added as installed), on every node sharing the store. Undefined when there is
   * no such app. Two reads that see the same version see the same metrics.
   */
  appDataVersion(appId: string): Promise<string | undefined>;

  /** An app's raw events in time order, after the event `after` (keyset on occurredAt, then id). */
  listUsageEvents(
    appId: string,
    after: EventPosition | undefined,
    limit: number,
  ): Promise<UsageEventRecord[]>;
}

export interface UsageStore extends UsageReads {
  /**
   * Stores usage events exactly once, by app and event id: ids already stored for the app (or repeated within
   * `events`) are duplicates and change nothing; another app may use the same id. In the same transaction, the rollups gain the new events' counts, every
   * tester with a new event becomes INSTALLED for the app (`installed_at` being their earliest event), and
   * each app's ingestion counters gain its accepted and duplicate events, and each app with a new event gets a
   * new data version (appDataVersion). The caller has validated the events
   * (apps and testers exist).
   */
  appendUsageEvents(events: readonly UsageEventRecord[]): Promise<AppendResult>;

  /** Deletes raw events that happened before `before`, at most `limit` of them; rollups are kept. */
  pruneUsageEvents(before: string, limit: number): Promise<number>;
}
