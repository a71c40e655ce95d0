import { generateKeyPairSync } from 'node:crypto';
import { decodeJwt } from 'jose';
import { describe, expect, it } from 'vitest';
import { signToken, TokenSigningError } from './sign-token.js';

// The claims and key checks are covered through the server's wrapper (services/token-signer.test.ts); this is
// what the client packages get: a TokenSigningError, no server error class.
const P256 = generateKeyPairSync('ec', { namedCurve: 'P-256' })
  .privateKey.export({ type: 'pkcs8', format: 'pem' })
  .toString();
const NOW = new Date('2025-01-15T12:00:00Z');

describe('signToken', () => {
  it('signs a token for the App Store Connect audience', async () => {
    const token = await signToken({ privateKeyPem: P256, keyId: 'K', ttlSeconds: 60, now: NOW });
    expect(decodeJwt(token)).toMatchObject({ aud: 'appstoreconnect-v1', sub: 'user' });
  });

  it.each([
    ['a lifetime over 20 minutes', { ttlSeconds: 1201 }, /1 to 1200 seconds/],
    ['no key', { privateKeyPem: 'not a key' }, /not a PKCS#8 private key/],
  ])('refuses %s with TokenSigningError', async (_case, overrides, message) => {
    const signing = signToken({ privateKeyPem: P256, keyId: 'K', now: NOW, ...overrides });
    await expect(signing).rejects.toBeInstanceOf(TokenSigningError);
    await expect(signing).rejects.toThrow(message);
  });
});
