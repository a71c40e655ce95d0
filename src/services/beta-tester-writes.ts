import { randomUUID } from 'node:crypto';
import type { Clock } from '../domain/clock.js';
import { newTesterId } from '../domain/ids.js';
import type { TesterWithStates } from '../domain/records/tester.js';
import { StoreConflictError } from '../domain/store-problems.js';
import type { DirectoryStore } from '../storage/directory-store.js';
import { relatedIds, resourceId, text } from './attribute-input.js';
import { ConflictError, InputError, inField, refuseUnstorableText } from './input-error.js';
import { storeWrite } from './store-write.js';

/** Apple's betaTesters_createInstance: a tester by email, with the groups and builds of one app they join. */
export interface NewBetaTesterInput {
  readonly email: string;
  readonly firstName?: string;
  readonly lastName?: string;
  readonly betaGroupIds?: readonly string[];
  readonly buildIds?: readonly string[];
  /**
   * The app the groups and builds must be of, when the caller names one (the CLI's `--app`): InputError
   * otherwise. Apple's request names no app; the API leaves it out.
   */
  readonly appId?: string;
}

/**
 * The API's writes of testers (docs/apple-behavior.md, §10 and §11). Each is one store transaction that raises
 * the data version of every app it touches. Problems are InputErrors whose `field` is the Apple attribute or
 * relationship at fault (none for the tester the operation is about), and ConflictErrors for what exists.
 */
export interface BetaTesterWrites {
  /**
   * Invites a tester by email to the one app of the groups and builds named (at least one): INVITED, invited
   * by EMAIL now; they join the groups and are given the builds individually. An email (in any case) of a
   * tester of another app is that same person: they keep their id. ConflictError when they are in the app.
   */
  create(input: NewBetaTesterInput): Promise<TesterWithStates>;
  /** The tester leaves every app, group and build and is deleted; their usage keeps counting in totals. */
  delete(id: string): Promise<void>;
  /** The tester leaves the apps: its groups and its builds given individually too (apps they are not in: ignored). */
  removeFromApps(testerId: string, appIds: readonly string[]): Promise<void>;
  /** Joins the groups, and the apps of those they are not in yet (INVITED). */
  addToBetaGroups(testerId: string, groupIds: readonly string[]): Promise<void>;
  /** Leaves the groups (those they are not in: ignored); stays in the apps. */
  removeFromBetaGroups(testerId: string, groupIds: readonly string[]): Promise<void>;
  /** Is given the builds individually, joining the apps they are not in yet (INVITED). */
  addToBuilds(testerId: string, buildIds: readonly string[]): Promise<void>;
  removeFromBuilds(testerId: string, buildIds: readonly string[]): Promise<void>;
  /**
   * Apple's betaTesterInvitations_createInstance: sends a tester of the app their invitation again (invited now;
   * INVITED unless INSTALLED or REVOKED). Returns the invitation's id, new each time.
   */
  invite(input: { readonly appId: string; readonly betaTesterId: string }): Promise<{ id: string }>;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const NAME_TEXT = 256;
const TESTERS_HINT = "'testers list --app APP_ID'";

/** An email address as testers are invited by (trimmed), else InputError (as `add` always said it). */
export function checkedEmail(email: string): string {
  refuseUnstorableText({ email });
  const trimmed = email.trim();
  if (!EMAIL.test(trimmed) || trimmed.length > 254)
    throw new InputError(`'${email}' is not an email address`);
  return trimmed;
}

export function betaTesterWrites(store: DirectoryStore, clock: Clock): BetaTesterWrites {
  const requireTester = async (id: string) => {
    resourceId('tester id', id);
    if ((await store.findTester(id)) === undefined)
      throw new InputError(`there is no tester with id '${id}'; list them with 'testers list --app ID'`);
  };
  const now = () => clock.now().toISOString();
  return {
    async create(input) {
      const email = inField('email', () => checkedEmail(input.email));
      const firstName = optionalName('firstName', 'first name', input.firstName);
      const lastName = optionalName('lastName', 'last name', input.lastName);
      const betaGroupIds = relatedIds('betaGroups', 'beta group id', input.betaGroupIds);
      const buildIds = relatedIds('builds', 'build id', input.buildIds);
      const appId = await appOfAll(store, betaGroupIds, buildIds, input.appId);
      const at = now();
      const tester = {
        id: newTesterId(),
        email,
        firstName: firstName ?? null,
        lastName: lastName ?? null,
        inviteType: 'EMAIL' as const,
        createdAt: at,
      };
      const join = async () => {
        try {
          return await store.addTesterToApp({ tester, appId, invitedAt: at, betaGroupIds, buildIds });
        } catch (error) {
          if (error instanceof StoreConflictError && error.holder?.kind === 'app')
            throw new ConflictError(`the tester ${email} is already in app ${appId}`, 'email');
          throw error;
        }
      };
      const id = await storeWrite(join, TESTERS_HINT, { betaGroup: 'betaGroups', build: 'builds' });
      const created = await store.findTester(id);
      if (created === undefined) throw new Error(`tester ${id} vanished after being created`);
      return created;
    },

    async delete(id) {
      resourceId('tester id', id);
      await storeWrite(() => store.deleteTester(id), TESTERS_HINT);
    },

    async removeFromApps(testerId, appIds) {
      const ids = relatedIds('apps', 'app id', appIds);
      await requireTester(testerId);
      await storeWrite(
        () => store.removeTestersFromApps(ids.map((appId) => ({ appId, testerId }))),
        "'apps list'",
        { app: 'apps' },
      );
    },

    async addToBetaGroups(testerId, groupIds) {
      const ids = relatedIds('betaGroups', 'beta group id', groupIds);
      await requireTester(testerId);
      await storeWrite(
        () => store.grantBetaAccess({ groupTesters: ids.map((groupId) => ({ groupId, testerId })) }, now()),
        "'groups list --app APP_ID'",
        { betaGroup: 'betaGroups' },
      );
    },

    async removeFromBetaGroups(testerId, groupIds) {
      const ids = relatedIds('betaGroups', 'beta group id', groupIds);
      await requireTester(testerId);
      await storeWrite(
        () => store.withdrawBetaAccess({ groupTesters: ids.map((groupId) => ({ groupId, testerId })) }),
        "'groups list --app APP_ID'",
        { betaGroup: 'betaGroups' },
      );
    },

    async addToBuilds(testerId, buildIds) {
      const ids = relatedIds('builds', 'build id', buildIds);
      await requireTester(testerId);
      await storeWrite(
        () => store.grantBetaAccess({ buildTesters: ids.map((buildId) => ({ buildId, testerId })) }, now()),
        "'builds list --app APP_ID'",
        { build: 'builds' },
      );
    },

    async removeFromBuilds(testerId, buildIds) {
      const ids = relatedIds('builds', 'build id', buildIds);
      await requireTester(testerId);
      await storeWrite(
        () => store.withdrawBetaAccess({ buildTesters: ids.map((buildId) => ({ buildId, testerId })) }),
        "'builds list --app APP_ID'",
        { build: 'builds' },
      );
    },

    async invite(input) {
      const appId = inField('app', () => resourceId('app id', input.appId) ?? input.appId);
      const testerId = inField('betaTester', () => resourceId('tester id', input.betaTesterId) ?? '');
      await storeWrite(() => store.reinviteTester(appId, testerId, now()), TESTERS_HINT, {
        app: 'app',
        tester: 'betaTester',
      });
      return { id: randomUUID() };
    },
  };
}

/** A tester's first or last name: up to 256 characters; empty is none. */
function optionalName(field: string, what: string, name: string | undefined): string | undefined {
  return inField(field, () => text(what, name === '' ? undefined : name, NAME_TEXT));
}

/**
 * The one app every group and build named belongs to. InputError when none is named, one does not exist, or
 * they are of more than one app, or of another app than `expected` (field: the relationship of the first that
 * is not).
 */
async function appOfAll(
  store: DirectoryStore,
  betaGroupIds: readonly string[],
  buildIds: readonly string[],
  expected: string | undefined,
): Promise<string> {
  if (betaGroupIds.length === 0 && buildIds.length === 0)
    throw new InputError(
      'a new tester joins an app through its beta groups or builds: name at least one beta group or build',
      'betaGroups',
    );
  const named = [
    ...(await appsNamed(store, 'betaGroup', betaGroupIds, 'betaGroups', 'beta group')),
    ...(await appsNamed(store, 'build', buildIds, 'builds', 'build')),
  ];
  const [first] = named;
  if (first === undefined) throw new Error('no app among the rows named');
  const elsewhere = expected === undefined ? undefined : named.find((row) => row.appId !== expected);
  if (elsewhere !== undefined)
    throw new InputError(
      `${elsewhere.what} '${elsewhere.id}' is of app '${elsewhere.appId}', not of app '${expected}'; list them with 'groups list --app ${expected}' or 'builds list --app ${expected}'`,
      elsewhere.field,
    );
  const other = named.find((row) => row.appId !== first.appId);
  if (other !== undefined)
    throw new InputError(
      `the beta groups and builds of a new tester must be of one app: ${first.what} '${first.id}' is of app '${first.appId}', ${other.what} '${other.id}' of app '${other.appId}'`,
      other.field,
    );
  return first.appId;
}

async function appsNamed(
  store: DirectoryStore,
  kind: 'betaGroup' | 'build',
  ids: readonly string[],
  field: string,
  what: string,
) {
  const apps = await store.appsOf(kind, ids);
  return ids.map((id) => {
    const appId = apps.get(id);
    if (appId === undefined) throw new InputError(`there is no ${what} '${id}'`, field);
    return { id, appId, field, what };
  });
}
