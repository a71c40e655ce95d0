import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeProtectedHeader, jwtVerify } from 'jose';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type AscStub,
  appleErrors,
  NOT_AUTHORIZED,
  type StubAnswer,
  type StubRequest,
  startAscStub,
} from '../../test/support/asc-stub.js';
import { type ClientKey, clientKey, writeKeyFile } from '../../test/support/client-key.js';
import { AscApiError } from './asc-api-error.js';
import { createClient } from './create-client.js';
import type { ClientOptions } from './types.js';

let stub: AscStub;
let key: ClientKey;
let dir: string;
beforeEach(async () => {
  key = clientKey();
  stub = await startAscStub(threePages);
  dir = mkdtempSync(join(tmpdir(), 'beta-metrics-client-'));
});
afterEach(async () => {
  await stub.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Three pages of one tester each, chosen by the cursor in the URL. */
function threePages(request: StubRequest): StubAnswer {
  const page = Number(/cursor=(\d)/.exec(request.url)?.[1] ?? '0');
  const next =
    page < 2
      ? `${stub.url}/v1/apps/1/metrics/betaTesterUsages?cursor=${page + 1}&groupBy=betaTesters`
      : undefined;
  return {
    status: 200,
    body: {
      data: [
        { dataPoints: [], dimensions: { betaTesters: { data: { type: 'betaTesters', id: `t${page}` } } } },
      ],
      links: { self: 's', ...(next !== undefined && { next }) },
      meta: { paging: { total: 3, limit: 1 } },
    },
  };
}
const unauthorized: StubAnswer = { status: 401, body: appleErrors(401, NOT_AUTHORIZED) };

const clientOf = (options: Partial<ClientOptions> = {}) =>
  createClient({
    baseUrl: stub.url,
    keyId: key.keyId,
    issuerId: key.issuerId,
    privateKey: key.privateKeyPem,
    ...options,
  });

async function testerIds(options: Partial<ClientOptions> = {}): Promise<string[]> {
  const ids: string[] = [];
  for await (const row of clientOf(options).betaTesterUsages('1')) ids.push(row.testerId);
  return ids;
}
const tokens = () => stub.requests.map((request) => request.authorization?.replace(/^Bearer /, '') ?? '');

describe('tokens as Apple wants them', () => {
  it('a team key: ES256, kid, typ JWT, iss, aud, 20 minutes; one token for every page', async () => {
    expect(await testerIds()).toEqual(['t0', 't1', 't2']);

    const [token] = tokens();
    expect(new Set(tokens())).toEqual(new Set([token]));
    expect(decodeProtectedHeader(token ?? '')).toEqual({ alg: 'ES256', kid: key.keyId, typ: 'JWT' });
    const { payload } = await jwtVerify(token ?? '', key.publicKey, { audience: 'appstoreconnect-v1' });
    expect(payload.iss).toBe(key.issuerId);
    expect(payload.sub).toBeUndefined();
    expect((payload.exp ?? 0) - (payload.iat ?? 0)).toBe(1200);
  });

  it('an individual key (no issuer id): sub "user" and no iss', async () => {
    await testerIds({ issuerId: undefined });

    const { payload } = await jwtVerify(tokens()[0] ?? '', key.publicKey);
    expect(payload).toMatchObject({ sub: 'user', aud: 'appstoreconnect-v1' });
    expect(payload.iss).toBeUndefined();
  });

  it('tokenTtl sets the lifetime; a token with 60 s or less left is not reused', async () => {
    await testerIds({ tokenTtl: 300 });
    const { payload } = await jwtVerify(tokens()[0] ?? '', key.publicKey);
    expect((payload.exp ?? 0) - (payload.iat ?? 0)).toBe(300);
    expect(new Set(tokens()).size).toBe(1);

    stub.requests.length = 0;
    await testerIds({ tokenTtl: 60 });
    expect(new Set(tokens()).size).toBe(3);
  });

  it('reads the key from keyFile', async () => {
    const keyFile = writeKeyFile(dir, key);

    expect(await testerIds({ privateKey: undefined, keyFile })).toEqual(['t0', 't1', 't2']);
    await expect(jwtVerify(tokens()[0] ?? '', key.publicKey)).resolves.toBeDefined();
  });
});

describe('options it cannot work with fail at once', () => {
  const rsaPem = generateKeyPairSync('rsa', { modulusLength: 2048 })
    .privateKey.export({ type: 'pkcs8', format: 'pem' })
    .toString();

  it.each([
    ['a lifetime over 20 minutes', { tokenTtl: 1201 }, RangeError, /1 to 1200/],
    ['a lifetime of 0', { tokenTtl: 0 }, RangeError, /1 to 1200/],
    ['no key', { privateKey: undefined }, TypeError, /privateKey .* or keyFile/],
    ['an RSA key', { privateKey: rsaPem }, TypeError, /P-256/],
    [
      'a key file that is not there',
      { privateKey: undefined, keyFile: '/nonexistent/AuthKey.p8' },
      TypeError,
      /ENOENT/,
    ],
    ['a base URL that is not one', { baseUrl: 'api.example.com' }, TypeError, /not a URL/],
  ])('%s', (_case, options, type, message) => {
    expect(() => clientOf(options)).toThrow(type);
    expect(() => clientOf(options)).toThrow(message);
  });
});

describe('401', () => {
  it('an expired token: signs a new one once and goes on with it', async () => {
    let expired: string | undefined;
    stub.respond = (request, index) => {
      // The first token works for the first page, then the server finds it expired.
      if (index === 0) expired = request.authorization;
      else if (request.authorization === expired) return unauthorized;
      return threePages(request);
    };

    expect(await testerIds()).toEqual(['t0', 't1', 't2']);
    const [first, refused, renewed, last] = tokens();
    expect(stub.requests).toHaveLength(4);
    expect(refused).toBe(first);
    expect(renewed).not.toBe(first);
    expect(last).toBe(renewed);
  });

  it('a refused fresh token: one more try with a new one, then an AscApiError', async () => {
    stub.respond = () => unauthorized;

    const error = await testerIds().catch((caught: unknown) => caught);

    expect(stub.requests).toHaveLength(2);
    expect(new Set(tokens()).size).toBe(2);
    expect(error).toBeInstanceOf(AscApiError);
    expect(error).toMatchObject({ status: 401, ...NOT_AUTHORIZED });
  });
});
