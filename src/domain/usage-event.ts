import type { ContentScreenshot } from './records/content.js';
import type { FeedbackDetails } from './records/feedback.js';

/**
 * What a beta app reports: a tester installed it, used it (a session), it crashed, or they sent feedback; and
 * what a beta group's public link saw (docs/apple-behavior.md, §7 and §11): a view of the link's page, an
 * accept, a decline (with an optional reason), or a viewer who did not meet the group's criteria.
 */
export const TESTER_EVENT_TYPES = ['install', 'session', 'crash', 'feedback'] as const;
export const PUBLIC_LINK_EVENT_TYPES = [
  'publicLinkView',
  'publicLinkAccept',
  'publicLinkDecline',
  'publicLinkCriteriaNotMet',
] as const;
export const USAGE_EVENT_TYPES = [...TESTER_EVENT_TYPES, ...PUBLIC_LINK_EVENT_TYPES] as const;
export type TesterEventType = (typeof TESTER_EVENT_TYPES)[number];
export type PublicLinkEventType = (typeof PUBLIC_LINK_EVENT_TYPES)[number];
export type UsageEventType = (typeof USAGE_EVENT_TYPES)[number];

/** Why a viewer declined a public link: the three reasons Apple's publicLinkUsages ratios are about. */
export const DECLINE_REASONS = ['notRelevant', 'notClear', 'notInteresting'] as const;
export type DeclineReason = (typeof DECLINE_REASONS)[number];

export function isPublicLinkEventType(type: string): type is PublicLinkEventType {
  return (PUBLIC_LINK_EVENT_TYPES as readonly string[]).includes(type);
}

/**
 * What a `feedback` or `crash` event carries besides being counted (docs/feedback-content.md): the tester's
 * comment, the device's details, the screenshots it names (uploaded before, stored by SHA-256) and a crash's
 * log. A new event with any of them becomes a feedback submission in the transaction that stores it.
 */
export interface EventContent {
  readonly comment?: string;
  readonly details?: FeedbackDetails;
  /** Feedback only: in the order the event names them. */
  readonly screenshots?: readonly ContentScreenshot[];
  /** Crash only. */
  readonly crashLog?: string;
}

/** One usage event as beta-metrics keeps it. */
export interface UsageEvent {
  /** The client's own event id: the key of exactly-once. */
  readonly id: string;
  readonly appId: string;
  /**
   * The tester. For a public-link event, whoever the client names for the viewer (not necessarily a tester:
   * not checked against the app's testers, and never made INSTALLED), or '' when it names nobody.
   */
  readonly testerId: string;
  readonly type: UsageEventType;
  /** When it happened: ISO 8601, UTC, after any clock-skew correction. */
  readonly occurredAt: string;
  readonly build?: string;
  readonly platform?: string;
  readonly device?: string;
  readonly osVersion?: string;
  /** The beta group whose public link a public-link event is about (only on those, always on those). */
  readonly groupId?: string;
  /** Why a `publicLinkDecline` declined, when the viewer said (only on those). */
  readonly reason?: DeclineReason;
  /** When the server received it: ISO 8601, UTC. */
  readonly receivedAt: string;
  /** A feedback or crash event's content, when it has some. */
  readonly content?: EventContent;
}
