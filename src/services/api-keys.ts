import { generateKeyPairSync } from 'node:crypto';
import type { Clock } from '../domain/clock.js';
import { newKeyId } from '../domain/ids.js';
import { isRole, ROLES, type Role } from '../domain/roles.js';
import type { ApiKeyKind, ApiKeyRecord } from '../domain/records/keys.js';
import type { KeyStore } from '../storage/key-store.js';
import { InputError, refuseUnstorableText } from './input-error.js';

export interface NewApiKeyInput {
  readonly name: string;
  readonly role: string;
  /** An individual key (tokens carry `sub: "user"` and no `iss`) instead of a team key. */
  readonly individual?: boolean;
  /** The TESTING capability: faults on demand and the test controls of a server run with `--allow-faults`. */
  readonly testing?: boolean;
}

/** A new key as Apple's key page hands it over: ids to put in tokens, and the private key, once. */
export interface CreatedApiKey {
  readonly keyId: string;
  /** The issuer id team tokens carry in `iss`; absent for individual keys. */
  readonly issuerId?: string;
  readonly kind: ApiKeyKind;
  readonly role: Role;
  readonly name: string;
  readonly testing: boolean;
  /** PKCS#8 PEM, as in Apple's AuthKey_<KEYID>.p8. Never stored by beta-metrics. */
  readonly privateKeyPem: string;
}

export interface ApiKeysService {
  /** This store's issuer id: the `iss` of every team key's tokens (one per store, like one per Apple team). */
  readonly issuerId: string;
  create(input: NewApiKeyInput): Promise<CreatedApiKey>;
  list(): Promise<ApiKeyRecord[]>;
  /** Throws InputError when there is no such key or it is already revoked. */
  revoke(keyId: string): Promise<void>;
}

export function apiKeysService(store: KeyStore, issuerId: string, clock: Clock): ApiKeysService {
  return {
    issuerId,

    async create(input) {
      refuseUnstorableText({ 'key name': input.name, role: input.role });
      const name = input.name.trim();
      if (name.length === 0 || name.length > 128)
        throw new InputError('the key name must be 1 to 128 characters');
      if (!isRole(input.role)) {
        throw new InputError(`'${input.role}' is not a role; use one of ${ROLES.join(', ')}`);
      }
      const { publicKey, privateKey } = generateKeyPairSync('ec', {
        namedCurve: 'P-256',
        publicKeyEncoding: { type: 'spki', format: 'pem' },
        privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
      });
      const kind: ApiKeyKind = input.individual ? 'INDIVIDUAL' : 'TEAM';
      const keyId = newKeyId();
      await store.createApiKey({
        keyId,
        name,
        role: input.role,
        kind,
        publicKey,
        createdAt: clock.now().toISOString(),
        revokedAt: null,
        testing: input.testing === true,
      });
      return {
        keyId,
        ...(kind === 'TEAM' && { issuerId }),
        kind,
        role: input.role,
        name,
        testing: input.testing === true,
        privateKeyPem: privateKey,
      };
    },

    list: () => store.listApiKeys(),

    async revoke(keyId) {
      if (await store.revokeApiKey(keyId, clock.now().toISOString())) return;
      const key = await store.findApiKey(keyId);
      throw new InputError(
        key === undefined
          ? `there is no key with id '${keyId}'; list them with 'keys list'`
          : `the key ${keyId} was already revoked at ${key.revokedAt}`,
      );
    },
  };
}
