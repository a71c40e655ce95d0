import type { AppFilter, AppRecord } from '../domain/records/app.js';
import type { BetaGroupRecord } from '../domain/records/beta-group.js';
import type { BuildRecord } from '../domain/records/build.js';
import type {
  MembershipRecord,
  TesterFilter,
  TesterRecord,
  TesterWithStates,
} from '../domain/records/tester.js';
import type { RowWindow } from '../domain/row-window.js';

/**
 * The directory the metrics are about: apps, testers and their state per app, builds, beta groups. The
 * conventions of every store method are in store.ts (lists ordered by id, windows, instants in UTC).
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
}

export interface DirectoryStore extends DirectoryReads {
  /** Throws StoreConflictError when the id or the bundle id is taken. */
  createApp(app: AppRecord): Promise<void>;
  /**
   * Creates testers, all or none: throws StoreConflictError when an id or an email (in any case) is taken,
   * within the list or by a stored tester.
   */
  createTesters(testers: readonly TesterRecord[]): Promise<void>;
  /**
   * Adds testers to apps, all or none: throws StoreConflictError when a tester is already in the app, and
   * StoreReferenceError when an app or a tester does not exist.
   */
  addTestersToApps(memberships: readonly MembershipRecord[]): Promise<void>;
  createBuild(build: BuildRecord): Promise<void>;
  /** Creates a group with its members; raises the app's data version (its group metrics list members). */
  createBetaGroup(group: BetaGroupRecord, testerIds: readonly string[]): Promise<void>;
  /**
   * The writes below change what the metrics of a group or a build answer, so each raises the app's data
   * version in its transaction (UsageReads.appDataVersion). Adding what is already there changes nothing;
   * StoreReferenceError when the group, the build or a tester does not exist.
   */
  addTestersToBetaGroup(groupId: string, testerIds: readonly string[]): Promise<void>;
  addBuildsToBetaGroup(groupId: string, buildIds: readonly string[]): Promise<void>;
  addIndividualTestersToBuild(buildId: string, testerIds: readonly string[]): Promise<void>;
}
