import type { Clock } from '../domain/clock.js';
import { isResourceId, newTesterId } from '../domain/ids.js';
import type { TesterFilter, TesterWithStates } from '../domain/records/tester.js';
import { StoreConflictError, StoreReferenceError } from '../domain/store-problems.js';
import type { DirectoryReads, DirectoryStore } from '../storage/directory-store.js';
import type { SnapshotStore } from '../storage/snapshot-store.js';
import { type Page, type PageRequest, pagedCollection } from './cursor-paging.js';
import { appDevices } from './attribute-input.js';
import { type BetaTesterWrites, betaTesterWrites, checkedEmail } from './beta-tester-writes.js';
import { ConflictError, InputError, refuseUnstorableText } from './input-error.js';

export interface NewTesterInput {
  readonly appId: string;
  readonly email: string;
  readonly firstName?: string;
  readonly lastName?: string;
  readonly id?: string;
  /** Apple's appDevices (attribute-input.ts checks them); kept for a tester new to the store. */
  readonly appDevices?: unknown;
}

/** Which page of which testers: the filter's conditions all hold. */
export interface BetaTestersPageQuery extends TesterFilter, PageRequest {}

export interface BetaTestersService extends BetaTesterWrites {
  find(id: string): Promise<TesterWithStates | undefined>;
  list(query: BetaTestersPageQuery): Promise<Page<TesterWithStates>>;
  /**
   * Invites a tester to an app; they start INVITED. A tester is one person across apps (as in App Store
   * Connect), so an email already known is added to this app with its existing id. Throws InputError for
   * malformed input, an unknown app, or a tester already in the app.
   */
  add(input: NewTesterInput): Promise<{ tester: TesterWithStates; created: boolean }>;
  /** Replaces a tester's appDevices (null: none known). InputError for bad devices or an unknown tester. */
  setAppDevices(id: string, devices: unknown): Promise<TesterWithStates>;
}

export function betaTestersService(
  store: DirectoryStore & SnapshotStore<DirectoryReads>,
  cursorKey: Uint8Array,
  clock: Clock,
): BetaTestersService {
  const pages = pagedCollection<DirectoryReads, TesterFilter, TesterWithStates>(store, cursorKey, {
    count: (reader, filter) => reader.countTesters(filter),
    list: (reader, filter, window) => reader.listTesters(filter, window),
  });
  return {
    ...betaTesterWrites(store, clock),

    find: (id) => store.findTester(id),

    list: (query) => pages({ appIds: query.appIds, emails: query.emails, ids: query.ids }, query),

    async add(input) {
      refuseUnstorableText({
        'app id': input.appId,
        email: input.email,
        'tester id': input.id,
        'first name': input.firstName,
        'last name': input.lastName,
      });
      const email = checkedEmail(input.email);
      if (input.id !== undefined && !isResourceId(input.id)) {
        throw new InputError(
          `'${input.id}' is not a usable tester id; use a UUID or up to 64 letters and digits`,
        );
      }
      const app = await store.findApp(input.appId);
      if (app === undefined) {
        throw new InputError(`there is no app with id '${input.appId}'; list them with 'apps list'`);
      }
      const devices = appDevices('app devices', input.appDevices);
      const now = clock.now().toISOString();
      const [known] = await store.listTesters({ emails: [email] }, { limit: 1 });
      if (known !== undefined && input.id !== undefined && known.id !== input.id) {
        throw new InputError(`a tester with the email ${email} already exists, with id ${known.id}`);
      }
      const testerId = known?.id ?? input.id ?? newTesterId();
      try {
        if (known === undefined) {
          await store.createTesters([
            {
              id: testerId,
              email,
              firstName: input.firstName ?? null,
              lastName: input.lastName ?? null,
              inviteType: 'EMAIL',
              createdAt: now,
              ...(devices !== undefined && { appDevices: devices }),
            },
          ]);
        }
        await store.addTestersToApps([{ appId: app.id, testerId, state: 'INVITED', invitedAt: now }]);
      } catch (error) {
        if (error instanceof StoreConflictError) {
          throw known === undefined
            ? new ConflictError(`${error.what} already exists; choose another`)
            : new ConflictError(`the tester ${email} is already in app ${app.id}`, 'email');
        }
        throw error;
      }
      const tester = await store.findTester(testerId);
      if (tester === undefined) throw new Error(`tester ${testerId} vanished after being added`);
      return { tester, created: known === undefined };
    },

    async setAppDevices(id, devices) {
      const checked = devices === null ? null : (appDevices('app devices', devices) ?? null);
      try {
        await store.updateTester(id, { appDevices: checked });
      } catch (error) {
        if (error instanceof StoreReferenceError) {
          throw new InputError(`there is no tester with id '${id}'; list them with 'testers list --app ID'`);
        }
        throw error;
      }
      const tester = await store.findTester(id);
      if (tester === undefined) throw new Error(`tester ${id} vanished after being changed`);
      return tester;
    },
  };
}
