/** One event refused by ingestion: `reason` groups like refusals (`<code> <field>`), `detail` says exactly why. */
export interface RejectionRecord {
  readonly reason: string;
  readonly detail: string;
  readonly at: string;
}

/** What ingestion refused at once for one app: `events` not stored, `batches` refused whole, and why. */
export interface Refusal {
  readonly events: number;
  readonly batches: number;
  readonly reasons: readonly RejectionRecord[];
}

export interface AppIngestStats {
  readonly appId: string;
  readonly accepted: number;
  readonly duplicates: number;
  /** Events not stored because they, or another event of their batch, broke a rule. */
  readonly rejected: number;
  /** Batches refused whole (HTTP ingestion is all or nothing). */
  readonly refusedBatches: number;
  /** Most frequent first. */
  readonly reasons: ReadonlyArray<{ reason: string; count: number; lastAt: string; lastDetail: string }>;
}
