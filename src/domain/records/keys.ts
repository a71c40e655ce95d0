/** An ingest key: write-only, for one app. The store keeps its SHA-256, never the key itself. */
export interface IngestKeyRecord {
  readonly id: string;
  readonly appId: string;
  readonly createdAt: string;
  readonly revokedAt: string | null;
}

export type ApiKeyKind = 'TEAM' | 'INDIVIDUAL';

/** An App Store Connect API key: its public half only, with its role. */
export interface ApiKeyRecord {
  readonly keyId: string;
  readonly name: string;
  readonly role: string;
  readonly kind: ApiKeyKind;
  /** SPKI PEM. */
  readonly publicKey: string;
  readonly createdAt: string;
  readonly revokedAt: string | null;
  /**
   * The TESTING capability: its tokens may ask a server started with `--allow-faults` for faults on demand
   * and use its test controls (`/_beta-metrics/`). No role grants it.
   */
  readonly testing: boolean;
}
