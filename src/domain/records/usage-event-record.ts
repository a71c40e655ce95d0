import type { UsageEvent } from '../usage-event.js';

/** A usage event as the store keeps it (see domain/usage-event.ts). */
export type UsageEventRecord = UsageEvent;

/** What storing a list of events did: events new to the store, and those it already had (or repeated). */
export interface AppendResult {
  readonly accepted: number;
  readonly duplicates: number;
}

/** Where an export stands: the last event written. */
export interface EventPosition {
  readonly occurredAt: string;
  readonly id: string;
}
