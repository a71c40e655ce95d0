import type { InviteType, TesterState } from '../tester-state.js';

/** A beta tester: one person across apps. Instants are ISO 8601 strings in UTC with milliseconds. */
export interface TesterRecord {
  readonly id: string;
  readonly email: string;
  readonly firstName: string | null;
  readonly lastName: string | null;
  readonly inviteType: InviteType;
  readonly createdAt: string;
}

export interface TesterWithStates extends TesterRecord {
  /** The tester's state in each app they belong to, ordered by app id. */
  readonly apps: ReadonlyArray<{ readonly appId: string; readonly state: TesterState }>;
}

/** Which testers a listing reads: those matching every given list (any of its values). */
export interface TesterFilter {
  /** Testers of any of these apps. */
  readonly appIds?: readonly string[];
  /** Testers with any of these emails, compared without regard to case. */
  readonly emails?: readonly string[];
  readonly ids?: readonly string[];
}

/** A tester in an app, with their state there. */
export interface MembershipRecord {
  readonly appId: string;
  readonly testerId: string;
  readonly state: TesterState;
  readonly invitedAt: string;
}
