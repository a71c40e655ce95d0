/** An app as the store keeps it. Instants are ISO 8601 strings in UTC with milliseconds. */
export interface AppRecord {
  readonly id: string;
  readonly name: string;
  readonly bundleId: string;
  readonly sku: string;
  readonly primaryLocale: string;
  readonly createdAt: string;
}

/** Which apps a listing reads: those matching every given list (any of its values). */
export interface AppFilter {
  readonly ids?: readonly string[];
  readonly bundleIds?: readonly string[];
}
