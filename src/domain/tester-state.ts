/** A beta tester's state for one app, as Apple's BetaTesterState enumerates it. */
export const TESTER_STATES = ['NOT_INVITED', 'INVITED', 'ACCEPTED', 'INSTALLED', 'REVOKED'] as const;

export type TesterState = (typeof TESTER_STATES)[number];

export const INVITE_TYPES = ['EMAIL', 'PUBLIC_LINK'] as const;

export type InviteType = (typeof INVITE_TYPES)[number];

/**
 * How far along a tester is, so a tester of several apps can be shown with one state (the furthest). REVOKED
 * ranks lowest: a tester revoked from one app but installed in another is INSTALLED.
 */
export const TESTER_STATE_PROGRESS: Readonly<Record<TesterState, number>> = {
  REVOKED: 0,
  NOT_INVITED: 1,
  INVITED: 2,
  ACCEPTED: 3,
  INSTALLED: 4,
};

export function furthestState(states: readonly TesterState[]): TesterState {
  let best: TesterState = 'NOT_INVITED';
  let bestRank = -1;
  for (const state of states) {
    if (TESTER_STATE_PROGRESS[state] > bestRank) {
      best = state;
      bestRank = TESTER_STATE_PROGRESS[state];
    }
  }
  return best;
}
