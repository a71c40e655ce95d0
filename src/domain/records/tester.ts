import type { DevicePlatform } from '../testflight-values.js';
import type { InviteType, TesterState } from '../tester-state.js';

/** One of Apple's BetaTester.appDevices: a device the tester runs the app on; a field not known is absent. */
export interface AppDevice {
  readonly model?: string;
  readonly platform?: DevicePlatform;
  readonly osVersion?: string;
  readonly appBuildVersion?: string;
}

/** A beta tester: one person across apps. Instants are ISO 8601 strings in UTC with milliseconds. */
export interface TesterRecord {
  readonly id: string;
  readonly email: string;
  readonly firstName: string | null;
  readonly lastName: string | null;
  readonly inviteType: InviteType;
  readonly createdAt: string;
  /** Apple's appDevices; absent or null when none is known. */
  readonly appDevices?: readonly AppDevice[] | null;
}

/** What a tester update may change; a field left out is kept. */
export interface TesterChanges {
  readonly firstName?: string | null;
  readonly lastName?: string | null;
  readonly appDevices?: readonly AppDevice[] | null;
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
