import type { AppIngestStats, Refusal } from '../domain/records/ingestion-stats.js';

/**
 * What ingestion counted per app. Accepted and duplicate events are counted by UsageStore.appendUsageEvents.
 */
export interface IngestionStatsReads {
  /** Per app: events accepted, duplicates and refused by ingestion since the store began, with reasons. */
  ingestStats(): Promise<AppIngestStats[]>;
}

export interface IngestionStatsStore extends IngestionStatsReads {
  /**
   * Counts what ingestion refused for `appId`: `events` not stored, `batches` refused whole, and a reason for
   * each problem.
   */
  recordRefusal(appId: string, refusal: Refusal): Promise<void>;
}
