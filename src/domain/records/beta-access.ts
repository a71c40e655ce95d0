import type { TesterRecord } from './tester.js';

/**
 * Who and what beta groups and builds give access to: testers in groups, builds of groups, testers given a build
 * individually. Each pair joins two rows of one app. Apple writes these from either side (a group's testers, a
 * tester's groups, a build's groups, ...); each side names its pairs here.
 */
export interface BetaAccess {
  /** Testers in beta groups. */
  readonly groupTesters?: ReadonlyArray<{ readonly groupId: string; readonly testerId: string }>;
  /** Builds of beta groups. */
  readonly groupBuilds?: ReadonlyArray<{ readonly groupId: string; readonly buildId: string }>;
  /** Testers given builds individually. */
  readonly buildTesters?: ReadonlyArray<{ readonly buildId: string; readonly testerId: string }>;
}

/** A tester joining an app with groups and builds of it (Apple's betaTesters_createInstance). */
export interface TesterJoiningApp {
  /** Written when no tester has its email (in any case); else that tester joins, keeping their id and record. */
  readonly tester: TesterRecord;
  readonly appId: string;
  /** When they were invited: they join INVITED. */
  readonly invitedAt: string;
  /** Beta groups and builds of the app: the tester joins the groups and is given the builds individually. */
  readonly betaGroupIds: readonly string[];
  readonly buildIds: readonly string[];
}
