import { beforeEach, describe, expect, it } from 'vitest';
import { StoreConflictError } from '../domain/store-problems.js';
import type { Store } from './store.js';
import type { StoreSuiteContext } from './store.test-suite.js';

/** KeyStore (key-store.ts): ingest keys and API keys, on every backend. */
export function describeKeyStore(context: StoreSuiteContext): void {
  describe('KeyStore', () => {
    let store: Store;
    beforeEach(() => {
      store = context.store();
    });

    describe('ingest keys', () => {
      beforeEach(async () => {
        await context.seedIngestion();
      });

      const key = (id: string, appId: string, createdAt: string) => ({
        id,
        appId,
        createdAt,
        revokedAt: null,
        keyHash: `hash-of-${id}`,
      });

      it('creates keys, finds them by hash only, and lists them per app in creation order', async () => {
        await store.createIngestKey(key('IK2', 'a1', '2023-10-01T00:00:00.000Z'));
        await store.createIngestKey(key('IK1', 'a1', '2023-10-02T00:00:00.000Z'));
        await store.createIngestKey(key('IK3', 'a2', '2023-10-01T00:00:00.000Z'));
        const ik1 = { id: 'IK1', appId: 'a1', createdAt: '2023-10-02T00:00:00.000Z', revokedAt: null };
        expect(await store.findIngestKeyByHash('hash-of-IK1')).toEqual(ik1);
        expect(await store.findIngestKeyByHash('IK1')).toBeUndefined();
        expect((await store.listIngestKeys('a1')).map((k) => k.id)).toEqual(['IK2', 'IK1']);
        expect((await store.listIngestKeys('a2')).map((k) => k.id)).toEqual(['IK3']);
        expect((await store.listIngestKeys()).map((k) => k.id)).toEqual(['IK2', 'IK3', 'IK1']);
        expect(await store.listIngestKeys('zz')).toEqual([]);
        await expect(
          store.createIngestKey(key('IK1', 'a2', '2023-10-03T00:00:00.000Z')),
        ).rejects.toBeInstanceOf(StoreConflictError);
      });

      it('revokes a key once, and the revoked key is still found with its revocation time', async () => {
        await store.createIngestKey(key('IK1', 'a1', '2023-10-01T00:00:00.000Z'));
        await store.createIngestKey(key('IK2', 'a1', '2023-10-01T00:00:00.000Z'));
        expect(await store.revokeIngestKey('IK1', '2023-10-04T00:00:00.000Z')).toBe(true);
        expect(await store.revokeIngestKey('IK1', '2023-10-05T00:00:00.000Z')).toBe(false);
        expect(await store.revokeIngestKey('NOPE', '2023-10-05T00:00:00.000Z')).toBe(false);
        expect((await store.findIngestKeyByHash('hash-of-IK1'))?.revokedAt).toBe('2023-10-04T00:00:00.000Z');
        expect((await store.findIngestKeyByHash('hash-of-IK2'))?.revokedAt).toBeNull();
      });
    });

    describe('api keys', () => {
      it('stores public keys and revokes them once', async () => {
        const key = {
          keyId: 'ABCDE12345',
          name: 'CI',
          role: 'ADMIN',
          kind: 'TEAM' as const,
          publicKey: '-----BEGIN PUBLIC KEY-----\nx\n-----END PUBLIC KEY-----\n',
          createdAt: '2023-01-01T00:00:00.000Z',
          revokedAt: null,
          testing: false,
        };
        await store.createApiKey(key);
        await expect(store.createApiKey(key)).rejects.toBeInstanceOf(StoreConflictError);
        expect(await store.findApiKey('ABCDE12345')).toEqual(key);
        expect(await store.revokeApiKey('ABCDE12345', '2023-02-01T00:00:00.000Z')).toBe(true);
        expect(await store.revokeApiKey('ABCDE12345', '2023-03-01T00:00:00.000Z')).toBe(false);
        expect(await store.revokeApiKey('NOSUCHKEY1', '2023-03-01T00:00:00.000Z')).toBe(false);
        expect((await store.listApiKeys())[0]?.revokedAt).toBe('2023-02-01T00:00:00.000Z');
      });

      it('keeps the TESTING capability of a key, and only of that key', async () => {
        const key = (keyId: string, testing: boolean) => ({
          keyId,
          name: keyId,
          role: 'ADMIN',
          kind: 'TEAM' as const,
          publicKey: '-----BEGIN PUBLIC KEY-----\nx\n-----END PUBLIC KEY-----\n',
          createdAt: '2023-01-01T00:00:00.000Z',
          revokedAt: null,
          testing,
        });
        await store.createApiKey(key('TESTING001', true));
        await store.createApiKey(key('ORDINARY01', false));
        expect(await store.findApiKey('TESTING001')).toEqual(key('TESTING001', true));
        expect(await store.findApiKey('ORDINARY01')).toEqual(key('ORDINARY01', false));
        expect((await store.listApiKeys()).map((k) => [k.keyId, k.testing])).toEqual([
          ['ORDINARY01', false],
          ['TESTING001', true],
        ]);
      });
    });
  });
}
