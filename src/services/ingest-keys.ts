import { createHash, randomBytes } from 'node:crypto';
import type { Clock } from '../domain/clock.js';
import { newKeyId } from '../domain/ids.js';
import type { IngestKeyRecord } from '../domain/records/keys.js';
import type { DirectoryReads } from '../storage/directory-store.js';
import type { KeyStore } from '../storage/key-store.js';
import { InputError } from './input-error.js';

export interface CreatedIngestKey {
  readonly id: string;
  readonly appId: string;
  /** The secret, shown once; the store keeps its SHA-256. */
  readonly key: string;
}

export interface IngestKeysService {
  /** A write-only key for one app's events. Throws InputError for an unknown app. */
  create(appId: string): Promise<CreatedIngestKey>;
  list(appId?: string): Promise<IngestKeyRecord[]>;
  /** Throws InputError when there is no such key or it is already revoked. */
  revoke(id: string): Promise<void>;
  /** The key's record when `key` is a live ingest key. */
  find(key: string): Promise<IngestKeyRecord | undefined>;
}

const KEY_PREFIX = 'bmi_';

/** Ingest keys are random, so a plain SHA-256 (no salt, no stretching) is enough to keep them unreadable. */
export function hashIngestKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

export function ingestKeysService(store: KeyStore & DirectoryReads, clock: Clock): IngestKeysService {
  return {
    async create(appId) {
      if ((await store.findApp(appId)) === undefined) {
        throw new InputError(`there is no app with id '${appId}'; list them with 'apps list'`);
      }
      const key = `${KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
      const id = `IK${newKeyId()}`;
      await store.createIngestKey({
        id,
        appId,
        keyHash: hashIngestKey(key),
        createdAt: clock.now().toISOString(),
        revokedAt: null,
      });
      return { id, appId, key };
    },

    list: (appId) => store.listIngestKeys(appId),

    async revoke(id) {
      if (await store.revokeIngestKey(id, clock.now().toISOString())) return;
      const known = (await store.listIngestKeys()).find((key) => key.id === id);
      throw new InputError(
        known === undefined
          ? `there is no ingest key with id '${id}'; list them with 'ingest-keys list'`
          : `the ingest key ${id} was already revoked at ${known.revokedAt}`,
      );
    },

    async find(key) {
      if (!key.startsWith(KEY_PREFIX)) return undefined;
      const record = await store.findIngestKeyByHash(hashIngestKey(key));
      return record?.revokedAt === null ? record : undefined;
    },
  };
}
