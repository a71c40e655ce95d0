import type { ApiKeyRecord, IngestKeyRecord } from '../domain/records/keys.js';

/** API keys (public keys only) and ingest keys (their SHA-256 only). */
export interface KeyReads {
  /** The ingest key whose SHA-256 is `keyHash`. */
  findIngestKeyByHash(keyHash: string): Promise<IngestKeyRecord | undefined>;
  listIngestKeys(appId?: string): Promise<IngestKeyRecord[]>;

  findApiKey(keyId: string): Promise<ApiKeyRecord | undefined>;
  listApiKeys(): Promise<ApiKeyRecord[]>;
}

export interface KeyStore extends KeyReads {
  createIngestKey(key: IngestKeyRecord & { readonly keyHash: string }): Promise<void>;
  revokeIngestKey(id: string, at: string): Promise<boolean>;

  createApiKey(key: ApiKeyRecord): Promise<void>;
  /** Marks the key revoked at `at`; false when there is no such key or it was already revoked. */
  revokeApiKey(keyId: string, at: string): Promise<boolean>;
}
