import type { Clock } from '../domain/clock.js';
import { isResourceId, newAppId } from '../domain/ids.js';
import { type AppFilter, type AppRecord, withAppDefaults } from '../domain/records/app.js';
import { StoreConflictError } from '../domain/store-problems.js';
import type { DirectoryReads, DirectoryStore } from '../storage/directory-store.js';
import type { SnapshotStore } from '../storage/snapshot-store.js';
import { type Page, type PageRequest, pagedCollection } from './cursor-paging.js';
import { InputError, refuseUnstorableText } from './input-error.js';

export interface NewAppInput {
  readonly name: string;
  readonly bundleId: string;
  readonly id?: string;
  readonly sku?: string;
  readonly primaryLocale?: string;
}

/** Which page of which apps: the filter's conditions all hold. */
export interface AppsPageQuery extends AppFilter, PageRequest {}

export interface AppsService {
  find(id: string): Promise<AppRecord | undefined>;
  list(query: AppsPageQuery): Promise<Page<AppRecord>>;
  /** Throws InputError when the input is malformed or the id or bundle id is taken. */
  create(input: NewAppInput): Promise<AppRecord>;
}

const BUNDLE_ID = /^[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$/;
const LOCALE = /^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/;

export function appsService(
  store: DirectoryStore & SnapshotStore<DirectoryReads>,
  cursorKey: Uint8Array,
  clock: Clock,
): AppsService {
  const pages = pagedCollection<DirectoryReads, AppFilter, AppRecord>(store, cursorKey, {
    count: (reader, filter) => reader.countApps(filter),
    list: (reader, filter, window) => reader.listApps(filter, window),
  });
  return {
    find: (id) => store.findApp(id),

    list: (query) => pages({ ids: query.ids, bundleIds: query.bundleIds }, query),

    async create(input) {
      refuseUnstorableText({
        'app name': input.name,
        'bundle id': input.bundleId,
        'app id': input.id,
        SKU: input.sku,
        'primary locale': input.primaryLocale,
      });
      const name = input.name.trim();
      if (name.length === 0 || name.length > 256)
        throw new InputError('the app name must be 1 to 256 characters');
      if (!BUNDLE_ID.test(input.bundleId)) {
        throw new InputError(
          `'${input.bundleId}' is not a bundle id; use reverse-DNS form like com.example.app`,
        );
      }
      if (input.id !== undefined && !isResourceId(input.id)) {
        throw new InputError(
          `'${input.id}' is not a usable app id; use up to 64 letters, digits, '.', '_' or '-'`,
        );
      }
      const primaryLocale = input.primaryLocale ?? 'en-US';
      if (!LOCALE.test(primaryLocale)) throw new InputError(`'${primaryLocale}' is not a locale like en-US`);
      const app = withAppDefaults({
        id: input.id ?? newAppId(),
        name,
        bundleId: input.bundleId,
        sku: input.sku ?? input.bundleId,
        primaryLocale,
        createdAt: clock.now().toISOString(),
      });
      try {
        await store.createApp(app);
      } catch (error) {
        if (error instanceof StoreConflictError) {
          throw new InputError(`${error.what} already exists; choose another or list them with 'apps list'`);
        }
        throw error;
      }
      return app;
    },
  };
}
