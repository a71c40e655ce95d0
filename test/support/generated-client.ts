import { AppStoreConnectClient } from '@rage-against-the-pixel/app-store-connect-api';
import { expect } from 'vitest';
import type { Harness } from './harness.js';

/**
 * The client generated from Apple's spec (@rage-against-the-pixel/app-store-connect-api), pointed at a harness's
 * server listening on a port of its own. Its constructor pins the module's shared client to Apple's host; the
 * supported way to call another server is hey-api's per-request `baseUrl` option, so every call passes `at`.
 * Its token is its own (jose, ES256, team key, no `iat`), signed with the harness's admin key.
 */
export async function generatedClient(
  harness: Harness,
): Promise<{ api: AppStoreConnectClient['api']; at: { baseUrl: string } }> {
  const address = await harness.app.listen({ port: 0, host: '127.0.0.1' });
  const client = new AppStoreConnectClient({
    issuerId: harness.admin.issuerId ?? '',
    privateKeyId: harness.admin.keyId,
    privateKey: harness.admin.privateKeyPem,
  });
  return { api: client.api, at: { baseUrl: address } };
}

/** What a generated call resolves to. */
export interface Result<T> {
  readonly data?: T;
  readonly error?: unknown;
  readonly response?: Response;
}

/** The typed body of a call, once its status is `status`. */
export async function answered<T>(call: Promise<Result<T>>, status: number): Promise<T | undefined> {
  const result = await call;
  expect(result.response?.status, JSON.stringify(result.error)).toBe(status);
  return result.data;
}
