import { jwtVerify } from 'jose';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type AscStub, appleErrors, startAscStub } from '../../test/support/asc-stub.js';
import { type ClientKey, clientKey } from '../../test/support/client-key.js';
import { AscApiError } from './asc-api-error.js';
import { createClient } from './create-client.js';

/** `getJson`: any path of the base URL, with the client's token and errors. */

let stub: AscStub;
let key: ClientKey;
beforeEach(async () => {
  key = clientKey();
  stub = await startAscStub(() => ({ status: 200, body: { data: [{ seq: 1 }], meta: { nextSince: 1 } } }));
});
afterEach(async () => {
  await stub.close();
});

const client = () =>
  createClient({
    baseUrl: stub.url,
    keyId: key.keyId,
    issuerId: key.issuerId,
    privateKey: key.privateKeyPem,
    retry: { maxAttempts: 1 },
  });

describe('getJson', () => {
  it('GETs the path, query as given, with a token of the key, and resolves with the body', async () => {
    const body = await client().getJson('/_beta-metrics/journal?operation=apps_getCollection&limit=5');
    expect(body).toEqual({ data: [{ seq: 1 }], meta: { nextSince: 1 } });
    expect(stub.requests.map((request) => request.url)).toEqual([
      '/_beta-metrics/journal?operation=apps_getCollection&limit=5',
    ]);
    const token = stub.requests[0]?.authorization?.replace(/^Bearer /, '') ?? '';
    const { payload } = await jwtVerify(token, key.publicKey, { audience: 'appstoreconnect-v1' });
    expect(payload.iss).toBe(key.issuerId);
  });

  it("throws an AscApiError with the server's error", async () => {
    stub.respond = () => ({
      status: 403,
      body: appleErrors(403, { code: 'FORBIDDEN_ERROR', title: 't', detail: 'no' }),
    });
    const failure = await client()
      .getJson('/_beta-metrics/journal')
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(AscApiError);
    expect(failure).toMatchObject({ status: 403, code: 'FORBIDDEN_ERROR' });
  });

  it.each(['https://elsewhere.example/x', '//elsewhere.example/x', 'v1/apps'])(
    'refuses %s: the token goes to the base URL only',
    (path) => {
      expect(() => client().getJson(path)).toThrow(TypeError);
      expect(stub.requests).toEqual([]);
    },
  );
});
