import type { Kysely } from 'kysely';
import type { TesterJoiningApp } from '../../domain/records/beta-access.js';
import { StoreConflictError, StoreReferenceError } from '../../domain/store-problems.js';
import type { Database } from '../schema.js';
import type { ReleasedBlob } from '../content-bytes.js';
import { raiseDataVersions } from './data-versions.js';
import { deleteSubmissions, submissionIdsWhere } from './submission-deletes.js';
import { grantBetaAccess } from './group-links.js';
import { testersOfApp } from './ingestion.js';
import { requireApp, requireOfApp } from './references.js';
import { chunksFor } from './row-window.js';
import { firstMissing, insertMemberships, insertTesters } from './testers.js';

/**
 * A tester's place in apps: joining one with groups and builds, being invited again, leaving apps, being
 * deleted. Each runs in the caller's transaction and raises the data version of every app it touches (an app's
 * testers decide what its metrics list: docs/architecture.md, "Data versions and the page cache").
 */

/**
 * The tester joins the app INVITED, with its groups and builds; returns the tester's id. StoreReferenceError
 * for an app, group or build that is not there (or is of another app); StoreConflictError when the tester is in
 * the app already.
 */
export async function addTesterToApp(
  db: Kysely<Database>,
  input: TesterJoiningApp,
  maxParameters: number,
): Promise<string> {
  const { appId } = input;
  await requireApp(db, appId);
  await requireOfApp(db, 'beta_groups', 'beta group', appId, input.betaGroupIds);
  await requireOfApp(db, 'builds', 'build', appId, input.buildIds);
  const known = await db
    .selectFrom('beta_testers')
    .select('id')
    .where('email_key', '=', input.tester.email.toLowerCase())
    .executeTakeFirst();
  const testerId = known?.id ?? input.tester.id;
  if (known === undefined) await insertTesters(db, [input.tester], maxParameters);
  else if ((await testersOfApp(db, appId, [testerId])).size > 0)
    throw new StoreConflictError(
      'this tester in this app',
      { kind: 'tester', id: testerId },
      { kind: 'app', id: appId },
    );
  await insertMemberships(
    db,
    [{ appId, testerId, state: 'INVITED', invitedAt: input.invitedAt }],
    maxParameters,
  );
  await grantBetaAccess(
    db,
    {
      groupTesters: input.betaGroupIds.map((groupId) => ({ groupId, testerId })),
      buildTesters: input.buildIds.map((buildId) => ({ buildId, testerId })),
    },
    undefined,
    maxParameters,
  );
  await raiseDataVersions(db, [appId]);
  return testerId;
}

/**
 * Apple's betaTesterInvitations_createInstance: the tester is invited to the app again at `invitedAt`, INVITED
 * then unless they installed it or were revoked. StoreReferenceError when the app or the tester does not
 * exist, or the tester is not in the app.
 */
export async function reinviteTester(
  db: Kysely<Database>,
  appId: string,
  testerId: string,
  invitedAt: string,
): Promise<void> {
  await requireApp(db, appId);
  await requireTester(db, testerId);
  const result = await db
    .updateTable('app_testers')
    .set((eb) => ({
      invited_at: invitedAt,
      state: eb
        .case()
        .when('state', 'in', ['INSTALLED', 'REVOKED'])
        .then(eb.ref('state'))
        .else('INVITED')
        .end(),
    }))
    .where('app_id', '=', appId)
    .where('tester_id', '=', testerId)
    .executeTakeFirst();
  if (result.numUpdatedRows === 0n)
    throw new StoreReferenceError(
      `tester ${testerId} in app ${appId}`,
      { kind: 'tester', id: testerId },
      { kind: 'app', id: appId },
    );
  await raiseDataVersions(db, [appId]);
}

/**
 * Each tester leaves each app of the list: their membership, their places in the app's groups and their
 * individual builds of it go; the tester stays, and so do their events and rollups (their past usage keeps
 * counting). A tester not in the app is left alone. StoreReferenceError when an app or a tester does not exist.
 */
export async function removeTestersFromApps(
  db: Kysely<Database>,
  memberships: ReadonlyArray<{ readonly appId: string; readonly testerId: string }>,
  maxParameters: number,
): Promise<void> {
  const app = await firstMissing(
    db,
    'apps',
    memberships.map((m) => m.appId),
  );
  if (app !== undefined) throw new StoreReferenceError(`app ${app}`, { kind: 'app', id: app });
  const tester = await firstMissing(
    db,
    'beta_testers',
    memberships.map((m) => m.testerId),
  );
  if (tester !== undefined) throw new StoreReferenceError(`tester ${tester}`, { kind: 'tester', id: tester });
  const testersByApp = new Map<string, Set<string>>();
  for (const { appId, testerId } of memberships)
    testersByApp.set(appId, (testersByApp.get(appId) ?? new Set()).add(testerId));
  for (const [appId, testers] of testersByApp) {
    for (const chunk of chunksFor([...testers], 1, maxParameters - 1)) {
      await db
        .deleteFrom('beta_group_testers')
        .where('tester_id', 'in', chunk)
        .where('group_id', 'in', (eb) =>
          eb.selectFrom('beta_groups').select('id').where('app_id', '=', appId),
        )
        .execute();
      await db
        .deleteFrom('build_individual_testers')
        .where('tester_id', 'in', chunk)
        .where('build_id', 'in', (eb) => eb.selectFrom('builds').select('id').where('app_id', '=', appId))
        .execute();
      await db
        .deleteFrom('app_testers')
        .where('app_id', '=', appId)
        .where('tester_id', 'in', chunk)
        .execute();
    }
  }
  await raiseDataVersions(db, testersByApp.keys());
}

/**
 * Apple's betaTesters_deleteInstance: the tester leaves every app, group and build, and their row goes. Their
 * feedback submissions stay, with no tester; their events and rollups stay (no foreign keys), so their past
 * usage keeps counting in the totals of builds. StoreReferenceError when there is no such tester.
 */
/**
 * Deletes a tester: their memberships, group and build links, their feedback submissions with their content
 * (docs/feedback-content.md, "Lifecycle"; the blobs no submission names any more are returned, for their bytes
 * to go); their events and rollups stay.
 */
export async function deleteTester(db: Kysely<Database>, id: string): Promise<ReleasedBlob[]> {
  await requireTester(db, id);
  const apps = await db.selectFrom('app_testers').select('app_id').where('tester_id', '=', id).execute();
  const touched = new Set(apps.map((row) => row.app_id));
  await db.deleteFrom('beta_group_testers').where('tester_id', '=', id).execute();
  await db.deleteFrom('build_individual_testers').where('tester_id', '=', id).execute();
  await db.deleteFrom('app_testers').where('tester_id', '=', id).execute();
  const submissions = await submissionIdsWhere(db, { testerId: id }, Number.MAX_SAFE_INTEGER);
  const { released } = await deleteSubmissions(db, submissions, false);
  await db.deleteFrom('beta_testers').where('id', '=', id).execute();
  await raiseDataVersions(db, touched);
  return [...released];
}

async function requireTester(db: Kysely<Database>, id: string): Promise<void> {
  if ((await firstMissing(db, 'beta_testers', [id])) !== undefined)
    throw new StoreReferenceError(`tester ${id}`, { kind: 'tester', id });
}
