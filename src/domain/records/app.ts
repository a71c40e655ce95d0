import type { ContentRightsDeclaration, SubscriptionStatusUrlVersion } from '../testflight-values.js';

/** What every app has had from the start (0001). Instants are ISO 8601 strings in UTC with milliseconds. */
export interface AppCore {
  readonly id: string;
  readonly name: string;
  readonly bundleId: string;
  readonly sku: string;
  readonly primaryLocale: string;
  readonly createdAt: string;
}

/** Apple's remaining App attributes (the spec's schema App), and whether events may name unknown builds. */
export interface AppAttributes {
  readonly accessibilityUrl: string | null;
  readonly isOrEverWasMadeForKids: boolean;
  readonly subscriptionStatusUrl: string | null;
  readonly subscriptionStatusUrlVersion: SubscriptionStatusUrlVersion | null;
  readonly subscriptionStatusUrlForSandbox: string | null;
  readonly subscriptionStatusUrlVersionForSandbox: SubscriptionStatusUrlVersion | null;
  readonly contentRightsDeclaration: ContentRightsDeclaration | null;
  readonly streamlinedPurchasingEnabled: boolean;
  /**
   * Ours, not Apple's: whether an event naming a build the store does not know creates that build (true) or
   * is refused (false, the default). README, "Builds".
   */
  readonly allowUnknownBuilds: boolean;
}

/** An app as the store keeps and reads it: every attribute. */
export interface AppRecord extends AppCore, AppAttributes {}

/** An app to create: the attributes it leaves out take APP_DEFAULTS. */
export interface NewAppRecord extends AppCore, Partial<AppAttributes> {}

/** What an update may change; a field left out is kept. */
export type AppChanges = Partial<Pick<AppCore, 'name' | 'sku' | 'primaryLocale'> & AppAttributes>;

/** What an app that never set them has: Apple's answers for a new app (and 0008's column defaults). */
export const APP_DEFAULTS: AppAttributes = {
  accessibilityUrl: null,
  isOrEverWasMadeForKids: false,
  subscriptionStatusUrl: null,
  subscriptionStatusUrlVersion: null,
  subscriptionStatusUrlForSandbox: null,
  subscriptionStatusUrlVersionForSandbox: null,
  contentRightsDeclaration: null,
  streamlinedPurchasingEnabled: false,
  allowUnknownBuilds: false,
};

export function withAppDefaults(app: NewAppRecord): AppRecord {
  return { ...APP_DEFAULTS, ...app };
}

/** Which apps a listing reads: those matching every given list (any of its values). */
export interface AppFilter {
  readonly ids?: readonly string[];
  readonly bundleIds?: readonly string[];
}
