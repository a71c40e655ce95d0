import type { Clock } from '../domain/clock.js';
import { isResourceId, newAppId } from '../domain/ids.js';
import {
  type AppAttributes,
  type AppChanges,
  type AppFilter,
  type AppRecord,
  withAppDefaults,
} from '../domain/records/app.js';
import {
  CONTENT_RIGHTS_DECLARATIONS,
  SUBSCRIPTION_STATUS_URL_VERSIONS,
} from '../domain/testflight-values.js';
import { oneOf, relatedIds, resourceId, text, url } from './attribute-input.js';
import { StoreConflictError } from '../domain/store-problems.js';
import type { DirectoryReads, DirectoryStore } from '../storage/directory-store.js';
import type { SnapshotStore } from '../storage/snapshot-store.js';
import { type Page, type PageRequest, pagedCollection } from './cursor-paging.js';
import { storeWrite } from './store-write.js';
import { ConflictError, InputError, inField, refuseUnstorableText } from './input-error.js';

/** Apple's remaining App attributes and allowUnknownBuilds, as an operator gives them (checked here). */
export interface AppAttributeInput {
  readonly accessibilityUrl?: string | null;
  readonly isOrEverWasMadeForKids?: boolean;
  readonly subscriptionStatusUrl?: string | null;
  readonly subscriptionStatusUrlVersion?: string | null;
  readonly subscriptionStatusUrlForSandbox?: string | null;
  readonly subscriptionStatusUrlVersionForSandbox?: string | null;
  readonly contentRightsDeclaration?: string | null;
  readonly streamlinedPurchasingEnabled?: boolean;
  readonly allowUnknownBuilds?: boolean;
}

export interface NewAppInput extends AppAttributeInput {
  readonly name: string;
  readonly bundleId: string;
  readonly id?: string;
  readonly sku?: string;
  readonly primaryLocale?: string;
}

/** What `apps set` may change: a field left out is kept; null clears an optional one. */
export interface AppUpdateInput extends AppAttributeInput {
  readonly name?: string;
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
  /** Throws InputError when a value is malformed or there is no such app. */
  update(id: string, input: AppUpdateInput): Promise<AppRecord>;
  /**
   * Apple's apps_betaTesters_deleteToManyRelationship: the testers leave the app (BetaTestersService
   * removeFromApps says what goes). A tester not in it is left alone; an unknown one is an InputError (field
   * `betaTesters`).
   */
  removeBetaTesters(appId: string, testerIds: readonly string[]): Promise<void>;
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
      const name = checkedName(input.name);
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
      const primaryLocale = checkedLocale(input.primaryLocale ?? 'en-US');
      const app = withAppDefaults({
        ...checkedAttributes(input),
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
          throw new ConflictError(
            `${error.what} already exists; choose another or list them with 'apps list'`,
          );
        }
        throw error;
      }
      return app;
    },

    async update(id, input) {
      refuseUnstorableText({
        'app id': id,
        'app name': input.name,
        SKU: input.sku,
        'primary locale': input.primaryLocale,
      });
      const changes: AppChanges = {
        ...checkedAttributes(input),
        ...(input.name !== undefined && { name: checkedName(input.name) }),
        ...(input.sku !== undefined && { sku: text('SKU', input.sku, 100) }),
        ...(input.primaryLocale !== undefined && {
          primaryLocale: inField('primaryLocale', () => checkedLocale(input.primaryLocale ?? '')),
        }),
      };
      await storeWrite(() => store.updateApp(id, changes), "'apps list'");
      const app = await store.findApp(id);
      if (app === undefined) throw new Error(`app ${id} vanished after its update`);
      return app;
    },

    async removeBetaTesters(appId, testerIds) {
      resourceId('app id', appId);
      const ids = relatedIds('betaTesters', 'tester id', testerIds);
      if ((await store.findApp(appId)) === undefined)
        throw new InputError(`there is no app with id '${appId}'; list them with 'apps list'`);
      await storeWrite(
        () => store.removeTestersFromApps(ids.map((testerId) => ({ appId, testerId }))),
        `'testers list --app ${appId}'`,
        { tester: 'betaTesters' },
      );
    },
  };
}

function checkedName(name: string): string {
  const trimmed = name.trim();
  if (trimmed.length === 0 || trimmed.length > 256)
    throw new InputError('the app name must be 1 to 256 characters');
  return trimmed;
}

function checkedLocale(locale: string): string {
  if (!LOCALE.test(locale)) throw new InputError(`'${locale}' is not a locale like en-US`);
  return locale;
}

/** The attributes `input` gives, checked against Apple's schema App; those it leaves out stay undefined. */
function checkedAttributes(input: AppAttributeInput): Partial<AppAttributes> {
  const version = (what: string, value: string | null | undefined) =>
    oneOf(what, value, SUBSCRIPTION_STATUS_URL_VERSIONS);
  const attributes: Partial<AppAttributes> = {
    accessibilityUrl: inField('accessibilityUrl', () =>
      storableUrl('accessibility URL', input.accessibilityUrl),
    ),
    isOrEverWasMadeForKids: input.isOrEverWasMadeForKids,
    subscriptionStatusUrl: inField('subscriptionStatusUrl', () =>
      storableUrl('subscription status URL', input.subscriptionStatusUrl),
    ),
    subscriptionStatusUrlVersion: inField('subscriptionStatusUrlVersion', () =>
      version('subscription status URL version', input.subscriptionStatusUrlVersion),
    ),
    subscriptionStatusUrlForSandbox: inField('subscriptionStatusUrlForSandbox', () =>
      storableUrl('sandbox subscription status URL', input.subscriptionStatusUrlForSandbox),
    ),
    subscriptionStatusUrlVersionForSandbox: inField('subscriptionStatusUrlVersionForSandbox', () =>
      version('sandbox subscription status URL version', input.subscriptionStatusUrlVersionForSandbox),
    ),
    contentRightsDeclaration: inField('contentRightsDeclaration', () =>
      oneOf('content rights declaration', input.contentRightsDeclaration, CONTENT_RIGHTS_DECLARATIONS),
    ),
    streamlinedPurchasingEnabled: input.streamlinedPurchasingEnabled,
    allowUnknownBuilds: input.allowUnknownBuilds,
  };
  return Object.fromEntries(Object.entries(attributes).filter(([, value]) => value !== undefined));
}

/** An http(s) URL any store can keep. */
function storableUrl(what: string, value: string | null | undefined): string | null | undefined {
  refuseUnstorableText({ [what]: value });
  return url(what, value);
}
