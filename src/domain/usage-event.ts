/** What a beta app reports: a tester installed it, used it (a session), it crashed, or they sent feedback. */
export const USAGE_EVENT_TYPES = ['install', 'session', 'crash', 'feedback'] as const;
export type UsageEventType = (typeof USAGE_EVENT_TYPES)[number];

/** One usage event as beta-metrics keeps it. */
export interface UsageEvent {
  /** The client's own event id: the key of exactly-once. */
  readonly id: string;
  readonly appId: string;
  readonly testerId: string;
  readonly type: UsageEventType;
  /** When it happened: ISO 8601, UTC, after any clock-skew correction. */
  readonly occurredAt: string;
  readonly build?: string;
  readonly platform?: string;
  readonly device?: string;
  readonly osVersion?: string;
  /** When the server received it: ISO 8601, UTC. */
  readonly receivedAt: string;
}
