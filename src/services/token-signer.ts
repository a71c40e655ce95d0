import { createPrivateKey } from 'node:crypto';
import { SignJWT } from 'jose';
import { InputError } from './input-error.js';

/** The audience every App Store Connect API token names (Apple's "Generating Tokens for API Requests"). */
export const TOKEN_AUDIENCE = 'appstoreconnect-v1';
/** Apple refuses tokens that live longer than 20 minutes. */
export const MAX_TOKEN_LIFETIME_SECONDS = 20 * 60;

export interface TokenRequest {
  /** PKCS#8 PEM: the contents of AuthKey_<KEYID>.p8. */
  readonly privateKeyPem: string;
  readonly keyId: string;
  /** The issuer id, for team keys; without it the token is an individual key's (`sub: "user"`). */
  readonly issuerId?: string;
  /** Seconds until `exp`; at most 1200. Default 1200. */
  readonly ttlSeconds?: number;
  /** Optional `scope` entries, each `<method> <path>?<query>` of requests the token allows (token-scope.ts). */
  readonly scope?: readonly string[];
  readonly now: Date;
}

/** Signs an ES256 token the way Apple's documentation says a client should. */
export async function signToken(request: TokenRequest): Promise<string> {
  const ttl = request.ttlSeconds ?? MAX_TOKEN_LIFETIME_SECONDS;
  if (!Number.isInteger(ttl) || ttl < 1 || ttl > MAX_TOKEN_LIFETIME_SECONDS) {
    throw new InputError(
      `the token lifetime must be 1 to ${MAX_TOKEN_LIFETIME_SECONDS} seconds (Apple's limit)`,
    );
  }
  let key: ReturnType<typeof createPrivateKey>;
  try {
    key = createPrivateKey(request.privateKeyPem);
  } catch {
    throw new InputError(
      'the key file is not a PKCS#8 private key; use the AuthKey_<KEYID>.p8 file as written',
    );
  }
  if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    throw new InputError('the key file does not hold a P-256 (ES256) key; App Store Connect keys are P-256');
  }
  const iat = Math.floor(request.now.getTime() / 1000);
  const claims: Record<string, unknown> =
    request.issuerId === undefined ? { sub: 'user' } : { iss: request.issuerId };
  if (request.scope !== undefined && request.scope.length > 0) claims.scope = [...request.scope];
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'ES256', kid: request.keyId, typ: 'JWT' })
    .setIssuedAt(iat)
    .setExpirationTime(iat + ttl)
    .setAudience(TOKEN_AUDIENCE)
    .sign(key);
}
