import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { decodeJwt, decodeProtectedHeader, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { InputError } from './input-error.js';
import { signToken, type TokenRequest } from './token-signer.js';

const NOW = new Date('2025-01-15T12:00:00.750Z');
const IAT = Math.floor(NOW.getTime() / 1000);
const KEY_ID = '2X9R4HXF34';
const ISSUER_ID = '57246542-96fe-1a63-e053-0824d011072a';

function pkcs8(type: 'ec' | 'rsa' | 'ed25519', namedCurve = 'P-256'): string {
  const privateKeyEncoding = { type: 'pkcs8', format: 'pem' } as const;
  const publicKeyEncoding = { type: 'spki', format: 'pem' } as const;
  if (type === 'rsa') {
    return generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding, publicKeyEncoding })
      .privateKey;
  }
  if (type === 'ed25519')
    return generateKeyPairSync('ed25519', { privateKeyEncoding, publicKeyEncoding }).privateKey;
  return generateKeyPairSync('ec', { namedCurve, privateKeyEncoding, publicKeyEncoding }).privateKey;
}

const P256 = pkcs8('ec');

function request(overrides: Partial<TokenRequest> = {}): TokenRequest {
  return { privateKeyPem: P256, keyId: KEY_ID, issuerId: ISSUER_ID, now: NOW, ...overrides };
}

describe('the token', () => {
  it('has the header {alg ES256, kid, typ JWT} and nothing else', async () => {
    expect(decodeProtectedHeader(await signToken(request()))).toEqual({
      alg: 'ES256',
      kid: KEY_ID,
      typ: 'JWT',
    });
  });

  it('is signed with the private key: its public key verifies it as ES256', async () => {
    const token = await signToken(request());
    const { payload } = await jwtVerify(token, createPublicKey(P256), {
      algorithms: ['ES256'],
      currentDate: NOW,
    });
    expect(payload.iss).toBe(ISSUER_ID);
  });

  it('of a team key carries iss, aud appstoreconnect-v1, iat (whole seconds) and exp, and no sub', async () => {
    expect(decodeJwt(await signToken(request()))).toEqual({
      iss: ISSUER_ID,
      aud: 'appstoreconnect-v1',
      iat: IAT,
      exp: IAT + 1200,
    });
  });

  it('of an individual key carries sub "user" and no iss', async () => {
    const payload = decodeJwt(await signToken(request({ issuerId: undefined })));
    expect(payload).toEqual({ sub: 'user', aud: 'appstoreconnect-v1', iat: IAT, exp: IAT + 1200 });
    expect(payload).not.toHaveProperty('iss');
  });

  it('carries the scope when one is given, and none for an empty one', async () => {
    const scope = ['GET /v1/apps', 'GET /v1/apps/6447306070/metrics/betaTesterUsages?groupBy=betaTesters'];
    expect(decodeJwt(await signToken(request({ scope }))).scope).toEqual(scope);
    expect(decodeJwt(await signToken(request({ scope: [] })))).not.toHaveProperty('scope');
  });
});

describe('the lifetime', () => {
  it.each([1, 60, 1200])('exp - iat = ttl (%i s)', async (ttlSeconds) => {
    const { exp, iat } = decodeJwt(await signToken(request({ ttlSeconds })));
    expect(iat).toBe(IAT);
    expect(exp).toBe(IAT + ttlSeconds);
  });

  it.each([1201, 3600, 0, -5, 1.5, Number.NaN])('ttl %s is refused with InputError', async (ttlSeconds) => {
    const signing = signToken(request({ ttlSeconds }));
    await expect(signing).rejects.toBeInstanceOf(InputError);
    await expect(signing).rejects.toThrow(/1 to 1200 seconds/);
  });
});

describe('the key', () => {
  const publicPem = createPublicKey(P256).export({ type: 'spki', format: 'pem' }).toString();

  it.each([
    ['not a key at all', 'this is not a key'],
    ['a public key', publicPem],
    ['a truncated PKCS#8 key', P256.slice(0, 120)],
  ])('%s is refused with InputError', async (_label, privateKeyPem) => {
    const signing = signToken(request({ privateKeyPem }));
    await expect(signing).rejects.toBeInstanceOf(InputError);
    await expect(signing).rejects.toThrow(/not a PKCS#8 private key/);
  });

  it.each([
    ['P-384', pkcs8('ec', 'P-384')],
    ['secp256k1', pkcs8('ec', 'secp256k1')],
    ['RSA', pkcs8('rsa')],
    ['Ed25519', pkcs8('ed25519')],
  ])('a %s key is refused with InputError', async (_label, privateKeyPem) => {
    const signing = signToken(request({ privateKeyPem }));
    await expect(signing).rejects.toBeInstanceOf(InputError);
    await expect(signing).rejects.toThrow(/P-256/);
  });

  it.each([
    ['an unreadable key', `${P256.slice(0, 200)}!!${P256.slice(202)}`],
    ['a key of the wrong curve', pkcs8('ec', 'P-384')],
  ])('the message about %s does not contain the key', async (_label, privateKeyPem) => {
    const error = await signToken(request({ privateKeyPem })).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InputError);
    const text = `${String(error)} ${(error as Error).stack ?? ''}`;
    const body = privateKeyPem.split('\n').filter((line) => line.length > 0 && !line.startsWith('-----'));
    expect(body.length).toBeGreaterThan(0);
    for (const line of body) expect(text).not.toContain(line);
    expect(text).not.toContain('PRIVATE KEY-----');
  });
});
