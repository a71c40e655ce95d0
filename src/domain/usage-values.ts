/** A tester's usage over a window, in the member order the live service writes (the page's examples). */
export interface UsageValues {
  crashCount: number;
  sessionCount: number;
  feedbackCount: number;
}

export function zeroUsage(): UsageValues {
  return { crashCount: 0, sessionCount: 0, feedbackCount: 0 };
}

/** A build's usage over a window and its invitations, in the member order of Apple's BetaBuildUsages values. */
export interface BuildUsageValues {
  crashCount: number;
  installCount: number;
  sessionCount: number;
  feedbackCount: number;
  inviteCount: number;
}

/** What a beta group's public link saw over a window: the counts its events add up to (rollup public_link_daily). */
export interface PublicLinkCounts {
  readonly views: number;
  readonly accepts: number;
  readonly declines: number;
  readonly notRelevant: number;
  readonly notClear: number;
  readonly notInteresting: number;
  readonly criteriaNotMet: number;
}

/** A public link with its limit on: the limit, and how many accepted it so far (every day of its rollup). */
export interface PublicLinkLimit {
  readonly limit: number;
  readonly accepted: number;
}

/** Apple's BetaPublicLinkUsages values, in the spec's member order. */
export interface PublicLinkValues {
  viewCount: number;
  acceptedCount: number;
  didNotAcceptCount: number;
  didNotMeetCriteriaCount: number;
  notRelevantRatio: number;
  notClearRatio: number;
  notInterestingRatio: number;
}

/**
 * The values of a public link's counts. Each ratio is the share of the declines that gave that reason, 0 when
 * nobody declined (docs/apple-behavior.md, §11): a decline may give no reason, so the three need not sum to 1.
 */
export function publicLinkValues(counts: PublicLinkCounts): PublicLinkValues {
  const ratio = (part: number) => (counts.declines === 0 ? 0 : part / counts.declines);
  return {
    viewCount: counts.views,
    acceptedCount: counts.accepts,
    didNotAcceptCount: counts.declines,
    didNotMeetCriteriaCount: counts.criteriaNotMet,
    notRelevantRatio: ratio(counts.notRelevant),
    notClearRatio: ratio(counts.notClear),
    notInterestingRatio: ratio(counts.notInteresting),
  };
}
