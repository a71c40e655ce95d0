import { createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { type JWTHeaderParameters, type JWTPayload, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../../test/support/harness.js';
import type { CreatedApiKey } from './api-keys.js';
import { signToken } from './token-signer.js';
import { AuthenticationError, type AuthFailureReason, type RequestTarget } from './token-verifier.js';

// Header, key, signature and Authorization rules; the claim and lifetime rules are in
// token-verifier-claims.test.ts.

const WALL = '2025-01-15T12:00:00Z';
const NOW = Date.parse(WALL) / 1000;
const TARGET: RequestTarget = { method: 'GET', path: '/v1/apps', query: [] };

let harness: Harness;
beforeAll(async () => {
  harness = await createHarness({ wallTime: WALL });
});
afterAll(() => harness.close());

/** The reason the verifier gives for refusing `authorization`, or ACCEPTED. */
async function outcome(authorization: string | undefined): Promise<AuthFailureReason | 'ACCEPTED'> {
  try {
    await harness.services.tokens.verify(authorization, TARGET);
    return 'ACCEPTED';
  } catch (error) {
    if (error instanceof AuthenticationError) return error.reason;
    throw error;
  }
}
const bearer = (token: string) => outcome(`Bearer ${token}`);

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

function teamClaims(): JWTPayload {
  return { iss: harness.services.apiKeys.issuerId, aud: 'appstoreconnect-v1', iat: NOW, exp: NOW + 600 };
}

/** An ES256 token signed with `key`'s private key; `header` overrides (undefined drops a member). */
function es256(header: Partial<JWTHeaderParameters> = {}, key: CreatedApiKey = harness.admin) {
  return new SignJWT(teamClaims())
    .setProtectedHeader({ alg: 'ES256', kid: key.keyId, typ: 'JWT', ...header })
    .sign(createPrivateKey(key.privateKeyPem));
}

/** `text` with its character at `index` replaced by a different base64url character. */
function changeCharAt(text: string, index: number): string {
  return text.slice(0, index) + (text[index] === 'A' ? 'B' : 'A') + text.slice(index + 1);
}

describe('a valid token', () => {
  it('returns the key id, role and kind of a team key', async () => {
    const token = await harness.token();
    await expect(harness.services.tokens.verify(`Bearer ${token}`, TARGET)).resolves.toEqual({
      keyId: harness.admin.keyId,
      role: 'ADMIN',
      kind: 'TEAM',
      testing: false,
    });
  });

  it('says whether its key has the TESTING capability, first and when remembered', async () => {
    const key = await harness.services.apiKeys.create({ name: 'suite', role: 'DEVELOPER', testing: true });
    const token = await harness.token(key);
    const verified = { keyId: key.keyId, role: 'DEVELOPER', kind: 'TEAM', testing: true };
    await expect(harness.services.tokens.verify(`Bearer ${token}`, TARGET)).resolves.toEqual(verified);
    await expect(harness.services.tokens.verify(`Bearer ${token}`, TARGET)).resolves.toEqual(verified);
  });

  it('is accepted with a hand-made header and claims, the baseline of the refusals below', async () => {
    expect(await bearer(await es256())).toBe('ACCEPTED');
  });
});

describe('the Authorization header', () => {
  it.each([
    ['absent', undefined],
    ['empty', ''],
    ['a scheme only', 'Bearer '],
    ['another scheme', 'Basic dXNlcjpwYXNz'],
  ])('%s: MISSING_TOKEN', async (_label, authorization) => {
    expect(await outcome(authorization)).toBe('MISSING_TOKEN');
  });

  it('a valid token without "Bearer ": MISSING_TOKEN', async () => {
    expect(await outcome(await harness.token())).toBe('MISSING_TOKEN');
  });

  it.each([
    ['two segments', 'Bearer x.y'],
    ['no segments', 'Bearer garbage'],
    ['a header that is not JSON', `Bearer ${Buffer.from('{alg').toString('base64url')}.e30.sig`],
  ])('%s: MALFORMED_TOKEN', async (_label, authorization) => {
    expect(await outcome(authorization)).toBe('MALFORMED_TOKEN');
  });
});

describe('the JOSE header', () => {
  it('alg none with an empty signature: ALG_NOT_ALLOWED', async () => {
    const header = { alg: 'none', kid: harness.admin.keyId, typ: 'JWT' };
    expect(await bearer(`${b64(header)}.${b64(teamClaims())}.`)).toBe('ALG_NOT_ALLOWED');
  });

  it("HS256 with the key's public PEM as the HMAC secret: ALG_NOT_ALLOWED", async () => {
    const record = await harness.store.findApiKey(harness.admin.keyId);
    if (record === undefined) throw new Error('the admin key is not in the store');
    const token = await new SignJWT(teamClaims())
      .setProtectedHeader({ alg: 'HS256', kid: harness.admin.keyId, typ: 'JWT' })
      .sign(new TextEncoder().encode(record.publicKey));
    expect(await bearer(token)).toBe('ALG_NOT_ALLOWED');
  });

  it('RS256: ALG_NOT_ALLOWED', async () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const token = await new SignJWT(teamClaims())
      .setProtectedHeader({ alg: 'RS256', kid: harness.admin.keyId, typ: 'JWT' })
      .sign(privateKey);
    expect(await bearer(token)).toBe('ALG_NOT_ALLOWED');
  });

  it.each([
    ['missing', undefined],
    ['JOSE', 'JOSE'],
    ['at', 'at+jwt'],
  ])('typ %s: TYP_NOT_JWT', async (_label, typ) => {
    expect(await bearer(await es256({ typ }))).toBe('TYP_NOT_JWT');
  });

  it.each([
    ['missing', undefined],
    ['empty', ''],
  ])('kid %s: KID_MISSING', async (_label, kid) => {
    expect(await bearer(await es256({ kid }))).toBe('KID_MISSING');
  });

  it('a kid this store does not know: UNKNOWN_KEY', async () => {
    expect(await bearer(await es256({ kid: 'ZZZZZZZZZZ' }))).toBe('UNKNOWN_KEY');
  });

  it('a revoked key: REVOKED_KEY, also for a token that verified before', async () => {
    const key = await harness.createKey('DEVELOPER');
    const token = await harness.token(key);
    expect(await bearer(token)).toBe('ACCEPTED');
    await harness.services.apiKeys.revoke(key.keyId);
    expect(await bearer(token)).toBe('REVOKED_KEY');
  });
});

describe('the signature', () => {
  it('one character of the signature changed: BAD_SIGNATURE', async () => {
    const [header, payload, signature = ''] = (await harness.token()).split('.');
    expect(await bearer(`${header}.${payload}.${changeCharAt(signature, 0)}`)).toBe('BAD_SIGNATURE');
  });

  it('the payload re-encoded with a later exp, signature kept: BAD_SIGNATURE', async () => {
    const [header, , signature] = (await es256()).split('.');
    const payload = b64({ ...teamClaims(), exp: NOW + 1000 });
    expect(await bearer(`${header}.${payload}.${signature}`)).toBe('BAD_SIGNATURE');
  });

  it("signed with another key's private key under this key's kid: BAD_SIGNATURE", async () => {
    const other = await harness.createKey('ADMIN');
    const token = await new SignJWT(teamClaims())
      .setProtectedHeader({ alg: 'ES256', kid: harness.admin.keyId, typ: 'JWT' })
      .sign(createPrivateKey(other.privateKeyPem));
    expect(await bearer(token)).toBe('BAD_SIGNATURE');
  });
});

describe('individual keys', () => {
  let key: CreatedApiKey;
  beforeAll(async () => {
    key = await harness.createKey('MARKETING', true);
  });
  const sign = (claims: JWTPayload) =>
    new SignJWT({ aud: 'appstoreconnect-v1', iat: NOW, exp: NOW + 600, ...claims })
      .setProtectedHeader({ alg: 'ES256', kid: key.keyId, typ: 'JWT' })
      .sign(createPrivateKey(key.privateKeyPem));

  it('sub "user" and no iss: accepted as an INDIVIDUAL key', async () => {
    expect(key.issuerId).toBeUndefined();
    const token = await signToken({
      privateKeyPem: key.privateKeyPem,
      keyId: key.keyId,
      now: new Date(WALL),
    });
    await expect(harness.services.tokens.verify(`Bearer ${token}`, TARGET)).resolves.toEqual({
      keyId: key.keyId,
      role: 'MARKETING',
      kind: 'INDIVIDUAL',
      testing: false,
    });
  });

  it('with an iss, even the issuer id: BAD_ISSUER', async () => {
    const token = await sign({ sub: 'user', iss: harness.services.apiKeys.issuerId });
    expect(await bearer(token)).toBe('BAD_ISSUER');
  });

  it.each([
    ['without sub', {}],
    ['with another sub', { sub: 'admin' }],
  ])('%s: BAD_SUBJECT', async (_label, claims) => {
    expect(await bearer(await sign(claims))).toBe('BAD_SUBJECT');
  });

  it('a team key token without iss (an individual-style token): BAD_ISSUER', async () => {
    const token = await new SignJWT({ sub: 'user', aud: 'appstoreconnect-v1', iat: NOW, exp: NOW + 600 })
      .setProtectedHeader({ alg: 'ES256', kid: harness.admin.keyId, typ: 'JWT' })
      .sign(createPrivateKey(harness.admin.privateKeyPem));
    expect(await bearer(token)).toBe('BAD_ISSUER');
  });
});
