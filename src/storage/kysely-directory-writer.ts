import type { Kysely } from 'kysely';
import type { AppChanges, NewAppRecord } from '../domain/records/app.js';
import type { BetaAccess, TesterJoiningApp } from '../domain/records/beta-access.js';
import type { BetaGroupChanges, NewBetaGroupRecord } from '../domain/records/beta-group.js';
import type { BuildBetaDetailRecord, BuildChanges, NewBuildRecord } from '../domain/records/build.js';
import type {
  CrashFeedbackRecord,
  CrashLogRecord,
  ScreenshotFeedbackRecord,
} from '../domain/records/feedback.js';
import type { PreReleaseVersionRecord } from '../domain/records/pre-release-version.js';
import type { MembershipRecord, TesterChanges, TesterRecord } from '../domain/records/tester.js';
import { StoreConflictError, StoreReferenceError } from '../domain/store-problems.js';
import type { BackendSpecifics } from './backend-specifics.js';
import type { ContentBytes, ReleasedBlob } from './content-bytes.js';
import { CONFLICT_NAMES } from './conflict-names.js';
import type { DirectoryStore } from './directory-store.js';
import * as apps from './queries/apps.js';
import * as betaGroups from './queries/beta-groups.js';
import * as builds from './queries/builds.js';
import * as dataVersions from './queries/data-versions.js';
import * as feedback from './queries/feedback.js';
import * as groupLinks from './queries/group-links.js';
import * as preReleaseVersions from './queries/pre-release-versions.js';
import * as testerMemberships from './queries/tester-memberships.js';
import * as testers from './queries/testers.js';
import type { Database } from './schema.js';
import { KyselyStoreReader } from './kysely-store-reader.js';

/**
 * The writes of the directory (directory-store.ts: apps, testers, memberships, the TestFlight resources) over
 * the reads, and the write transactions every write of the store goes through: unique violations as
 * StoreConflictError, the bytes of deleted content released. KyselyStore (kysely-store.ts) adds the rest.
 */
export class KyselyDirectoryWriter extends KyselyStoreReader implements DirectoryStore {
  /** `specifics` and `contentBytes`: as KyselyStore's (kysely-store.ts), which passes them on. */
  constructor(
    db: Kysely<Database>,
    protected readonly specifics: BackendSpecifics,
    protected readonly contentBytes: ContentBytes,
  ) {
    super(db, specifics);
  }

  createApp = (app: NewAppRecord) => this.translateConflicts(() => apps.insertApp(this.db, app));

  updateApp = (id: string, changes: AppChanges) =>
    this.write(async (trx) => {
      if (!(await apps.updateApp(trx, id, changes)))
        throw new StoreReferenceError(`app ${id}`, { kind: 'app', id });
      await dataVersions.raiseDataVersions(trx, [id]);
    });

  async updateTester(id: string, changes: TesterChanges): Promise<void> {
    if (!(await testers.updateTester(this.db, id, changes)))
      throw new StoreReferenceError(`tester ${id}`, { kind: 'tester', id });
  }

  createTesters(list: readonly TesterRecord[]): Promise<void> {
    if (list.length === 0) return Promise.resolve();
    return this.translateConflicts(() =>
      this.specifics.writeTransaction(this.db, (trx) =>
        testers.insertTesters(trx, list, this.specifics.maxBoundParameters),
      ),
    );
  }

  addTestersToApps(memberships: readonly MembershipRecord[]): Promise<void> {
    if (memberships.length === 0) return Promise.resolve();
    return this.translateConflicts(() =>
      this.specifics.writeTransaction(this.db, async (trx) => {
        const app = await testers.firstMissing(
          trx,
          'apps',
          memberships.map((m) => m.appId),
        );
        if (app !== undefined) throw new StoreReferenceError(`app ${app}`, { kind: 'app', id: app });
        const tester = await testers.firstMissing(
          trx,
          'beta_testers',
          memberships.map((m) => m.testerId),
        );
        if (tester !== undefined)
          throw new StoreReferenceError(`tester ${tester}`, { kind: 'tester', id: tester });
        await testers.insertMemberships(trx, memberships, this.specifics.maxBoundParameters);
        // A tester added as INSTALLED appears in the app's metrics at once.
        await dataVersions.raiseDataVersions(
          trx,
          memberships.filter((m) => m.state === 'INSTALLED').map((m) => m.appId),
        );
      }),
    );
  }

  createPreReleaseVersion = (version: PreReleaseVersionRecord) =>
    this.write((trx) => preReleaseVersions.insertPreReleaseVersion(trx, version));

  createBuild = (build: NewBuildRecord, extras: builds.BuildExtras = {}) =>
    this.write((trx) => builds.insertBuild(trx, build, extras, this.specifics.maxBoundParameters));
  updateBuild = (id: string, changes: BuildChanges, betaDetail?: Partial<BuildBetaDetailRecord>) =>
    this.write((trx) => builds.updateBuild(trx, id, changes, betaDetail));
  addIndividualTesters = (buildId: string, testerIds: readonly string[]) =>
    this.write((trx) =>
      builds.addIndividualTesters(trx, buildId, testerIds, this.specifics.maxBoundParameters),
    );

  createBetaGroup = (
    group: NewBetaGroupRecord,
    testerIds: readonly string[],
    buildIds: readonly string[] = [],
  ) =>
    this.write((trx) =>
      betaGroups.insertBetaGroup(trx, group, { testerIds, buildIds }, this.specifics.maxBoundParameters),
    );
  updateBetaGroup = (id: string, changes: BetaGroupChanges) =>
    this.write((trx) => betaGroups.updateBetaGroup(trx, id, changes));
  addToBetaGroup = (groupId: string, members: betaGroups.GroupMembers) =>
    this.write((trx) => betaGroups.addToBetaGroup(trx, groupId, members, this.specifics.maxBoundParameters));
  deleteBetaGroup = (id: string) => this.write((trx) => betaGroups.deleteBetaGroup(trx, id));

  grantBetaAccess = (access: BetaAccess, invitedAt?: string) =>
    this.write((trx) =>
      groupLinks.grantBetaAccess(trx, access, invitedAt, this.specifics.maxBoundParameters),
    );
  withdrawBetaAccess = (access: BetaAccess) =>
    this.write((trx) => groupLinks.withdrawBetaAccess(trx, access, this.specifics.maxBoundParameters));

  addTesterToApp = (input: TesterJoiningApp) =>
    this.write((trx) => testerMemberships.addTesterToApp(trx, input, this.specifics.maxBoundParameters));
  reinviteTester = (appId: string, testerId: string, invitedAt: string) =>
    this.write((trx) => testerMemberships.reinviteTester(trx, appId, testerId, invitedAt));
  removeTestersFromApps = (memberships: ReadonlyArray<{ appId: string; testerId: string }>) =>
    this.write((trx) =>
      testerMemberships.removeTestersFromApps(trx, memberships, this.specifics.maxBoundParameters),
    );
  deleteTester = (id: string) =>
    this.writeReleasing(async (trx) => ({
      result: undefined,
      released: await testerMemberships.deleteTester(trx, id),
    }));

  createScreenshotFeedback = (submission: ScreenshotFeedbackRecord) =>
    this.write((trx) => feedback.insertScreenshotFeedback(trx, submission));
  createCrashFeedback = (submission: CrashFeedbackRecord, crashLog?: CrashLogRecord) =>
    this.write((trx) => feedback.insertCrashFeedback(trx, submission, crashLog));
  deleteScreenshotFeedback = (id: string) =>
    this.writeReleasing(async (trx) => ({
      result: undefined,
      released: await feedback.deleteScreenshotFeedback(trx, id),
    }));
  deleteCrashFeedback = (id: string) => this.write((trx) => feedback.deleteCrashFeedback(trx, id));

  /**
   * One write transaction that may delete blobs of content: `body` says which (`released`); their bytes go in
   * the transaction or once it committed, as the backend keeps them (content-bytes.ts).
   */
  protected async writeReleasing<T>(
    body: (trx: Kysely<Database>) => Promise<{ result: T; released: readonly ReleasedBlob[] }>,
  ): Promise<T> {
    const { result, released } = await this.write(async (trx) => {
      const done = await body(trx);
      await this.contentBytes.releaseInTransaction(trx, done.released);
      return done;
    });
    await this.contentBytes.releaseAfterCommit(this.db, released);
    return result;
  }

  /** One write transaction, its unique violations as StoreConflictError. */
  private write<T>(body: (trx: Kysely<Database>) => Promise<T>): Promise<T> {
    return this.translateConflicts(() => this.specifics.writeTransaction(this.db, body));
  }

  protected async translateConflicts<T>(write: () => Promise<T>): Promise<T> {
    try {
      return await write();
    } catch (error) {
      const constraint = this.specifics.uniqueViolation(error);
      if (constraint !== undefined) throw new StoreConflictError(CONFLICT_NAMES[constraint] ?? constraint);
      throw error;
    }
  }
}
