import type { AppChanges, AppFilter, AppRecord, NewAppRecord } from '../domain/records/app.js';
import type { BetaAccess, TesterJoiningApp } from '../domain/records/beta-access.js';
import type {
  BetaGroupChanges,
  BetaGroupWithMembers,
  NewBetaGroupRecord,
} from '../domain/records/beta-group.js';
import type {
  BuildBetaDetailRecord,
  BuildChanges,
  BuildWithDetails,
  NewBuildRecord,
} from '../domain/records/build.js';
import type {
  CrashFeedbackRecord,
  CrashFeedbackWithLog,
  CrashLogRecord,
  ScreenshotFeedbackRecord,
} from '../domain/records/feedback.js';
import type { PreReleaseVersionRecord } from '../domain/records/pre-release-version.js';
import type {
  MembershipRecord,
  TesterChanges,
  TesterFilter,
  TesterRecord,
  TesterWithStates,
} from '../domain/records/tester.js';
import type { RowWindow } from '../domain/row-window.js';

/**
 * The directory the metrics are about: apps, testers and their state per app, and the TestFlight resources
 * around them (pre-release versions, builds with their beta details and individual testers, beta groups with
 * their testers and builds, feedback submissions and crash logs). The conventions of every store method are
 * in store.ts (lists ordered by id, windows, instants in UTC).
 */
export interface DirectoryReads {
  findApp(id: string): Promise<AppRecord | undefined>;
  listApps(filter: AppFilter, window: RowWindow): Promise<AppRecord[]>;
  countApps(filter: AppFilter): Promise<number>;

  findTester(id: string): Promise<TesterWithStates | undefined>;
  listTesters(filter: TesterFilter, window: RowWindow): Promise<TesterWithStates[]>;
  countTesters(filter: TesterFilter): Promise<number>;

  /** Which of `testerIds` are testers of `appId`, in any state. */
  testersOfApp(appId: string, testerIds: readonly string[]): Promise<Set<string>>;
  /** Which of `groupIds` are beta groups of `appId`. */
  betaGroupsOfApp(appId: string, groupIds: readonly string[]): Promise<Set<string>>;
  /** The app of each of `ids` that is a beta group (or a build); an id absent from the map names none. */
  appsOf(kind: 'betaGroup' | 'build', ids: readonly string[]): Promise<Map<string, string>>;

  findPreReleaseVersion(id: string): Promise<PreReleaseVersionRecord | undefined>;
  listPreReleaseVersions(appId: string, window: RowWindow): Promise<PreReleaseVersionRecord[]>;
  findBuild(id: string): Promise<BuildWithDetails | undefined>;
  listBuilds(appId: string, window: RowWindow): Promise<BuildWithDetails[]>;
  /** Which of the build numbers `versions` `appId` has builds of (one indexed read). */
  knownBuildVersions(appId: string, versions: readonly string[]): Promise<Set<string>>;
  /**
   * Which of the build numbers `versions` are of `appId`'s expired builds, each with its expirationDate (null when
   * none is known); one indexed read.
   */
  expiredBuildVersions(appId: string, versions: readonly string[]): Promise<Map<string, string | null>>;
  findBetaGroup(id: string): Promise<BetaGroupWithMembers | undefined>;
  listBetaGroups(appId: string, window: RowWindow): Promise<BetaGroupWithMembers[]>;
  findScreenshotFeedback(id: string): Promise<ScreenshotFeedbackRecord | undefined>;
  listScreenshotFeedback(appId: string, window: RowWindow): Promise<ScreenshotFeedbackRecord[]>;
  findCrashFeedback(id: string): Promise<CrashFeedbackWithLog | undefined>;
  listCrashFeedback(appId: string, window: RowWindow): Promise<CrashFeedbackWithLog[]>;
}

/**
 * Every write is all or none, and raises the data version of every app whose rows it changes (except where
 * said). A write that names a row that does not exist (or is of another app) throws StoreReferenceError naming
 * it (with the row's kind and id where the store knows them); one whose id or unique key is taken throws
 * StoreConflictError.
 */
export interface DirectoryStore extends DirectoryReads {
  /** Throws StoreConflictError when the id or the bundle id is taken; leaves out attributes at APP_DEFAULTS. */
  createApp(app: NewAppRecord): Promise<void>;
  /** Throws StoreReferenceError when there is no such app. */
  updateApp(id: string, changes: AppChanges): Promise<void>;
  /**
   * Creates testers, all or none: throws StoreConflictError when an id or an email (in any case) is taken,
   * within the list or by a stored tester.
   */
  createTesters(testers: readonly TesterRecord[]): Promise<void>;
  /** Throws StoreReferenceError when there is no such tester. */
  updateTester(id: string, changes: TesterChanges): Promise<void>;
  /**
   * Adds testers to apps, all or none: throws StoreConflictError when a tester is already in the app, and
   * StoreReferenceError when an app or a tester does not exist.
   */
  addTestersToApps(memberships: readonly MembershipRecord[]): Promise<void>;

  /** StoreConflictError when the id, or the app's (platform, version), is taken. */
  createPreReleaseVersion(version: PreReleaseVersionRecord): Promise<void>;
  /**
   * A build with its beta detail (what `extras.betaDetail` leaves out follows its processing state) and its
   * individual testers (testers of its app). StoreConflictError when the id or the app's build number is taken.
   */
  createBuild(
    build: NewBuildRecord,
    extras?: {
      readonly betaDetail?: Partial<BuildBetaDetailRecord>;
      readonly individualTesterIds?: readonly string[];
    },
  ): Promise<void>;
  updateBuild(id: string, changes: BuildChanges, betaDetail?: Partial<BuildBetaDetailRecord>): Promise<void>;
  /** StoreConflictError when a tester has the build individually already. */
  addIndividualTesters(buildId: string, testerIds: readonly string[]): Promise<void>;

  /** A group with its testers and builds (of its app). */
  createBetaGroup(
    group: NewBetaGroupRecord,
    testerIds: readonly string[],
    buildIds?: readonly string[],
  ): Promise<void>;
  updateBetaGroup(id: string, changes: BetaGroupChanges): Promise<void>;
  /** StoreConflictError when the group has one of them already. */
  addToBetaGroup(
    groupId: string,
    members: { readonly testerIds?: readonly string[]; readonly buildIds?: readonly string[] },
  ): Promise<void>;
  /** A group with its memberships and builds; its testers stay in the app. */
  deleteBetaGroup(id: string): Promise<void>;

  /**
   * Adds the pairs of `access`. StoreReferenceError when a group, build or tester does not exist, a build is of
   * another app than its group, or (without `invitedAt`) a tester is not in the app of their group or build;
   * with `invitedAt`, such a tester joins that app, INVITED then. StoreConflictError (with the pair as `row`
   * and `holder`) when a pair is there already.
   */
  grantBetaAccess(access: BetaAccess, invitedAt?: string): Promise<void>;
  /** Removes the pairs of `access`; a pair not there is left alone. StoreReferenceError for a row not there. */
  withdrawBetaAccess(access: BetaAccess): Promise<void>;

  /**
   * The tester with `input.tester`'s email (in any case), or `input.tester` when there is none, joins the app
   * INVITED with its groups and builds; returns the tester's id. StoreConflictError when they are in it already.
   */
  addTesterToApp(input: TesterJoiningApp): Promise<string>;
  /**
   * Invites a tester of the app again: `invitedAt`, and state INVITED unless INSTALLED or REVOKED.
   * StoreReferenceError when the app or the tester does not exist, or the tester is not in the app.
   */
  reinviteTester(appId: string, testerId: string, invitedAt: string): Promise<void>;
  /**
   * Each tester leaves each app: membership, places in its groups, its builds given individually. The tester,
   * their events and rollups stay. Pairs not in the store are left alone; StoreReferenceError for an unknown app
   * or tester.
   */
  removeTestersFromApps(
    memberships: ReadonlyArray<{ readonly appId: string; readonly testerId: string }>,
  ): Promise<void>;
  /**
   * The tester leaves every app, group and build, and is deleted with their feedback submissions and what is
   * theirs alone (crash logs, screenshots: docs/feedback-content.md, "Lifecycle"); their events and rollups
   * stay.
   */
  deleteTester(id: string): Promise<void>;

  /** Its build and tester, when named, are of its app. */
  createScreenshotFeedback(submission: ScreenshotFeedbackRecord): Promise<void>;
  /** With `crashLog`, the log is written too (its id is the submission's `crashLogId`). */
  createCrashFeedback(submission: CrashFeedbackRecord, crashLog?: CrashLogRecord): Promise<void>;
  deleteScreenshotFeedback(id: string): Promise<void>;
  /** The submission and its crash log, unless another submission names the same log. */
  deleteCrashFeedback(id: string): Promise<void>;
}
