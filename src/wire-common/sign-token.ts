import { createPrivateKey } from 'node:crypto';

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
  /** Optional `scope` entries like `GET /v1/apps/6447306070/metrics/betaTesterUsages?groupBy=betaTesters`. */
  readonly scope?: readonly string[];
  readonly now: Date;
}

/**
 * The request cannot be signed: a lifetime out of Apple's range, or a key that is not a P-256 PKCS#8 private
 * key. The message is one line, says what to do, and never contains the key.
 */
export class TokenSigningError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TokenSigningError';
  }
}

/**
 * Signs an ES256 token the way Apple's documentation says a client should. Shared by `beta-metrics/client` and
 * the server (the `token` command, the demo, tests), so both sign exactly alike.
 */
export async function signToken(request: TokenRequest): Promise<string> {
  const ttl = request.ttlSeconds ?? MAX_TOKEN_LIFETIME_SECONDS;
  if (!Number.isInteger(ttl) || ttl < 1 || ttl > MAX_TOKEN_LIFETIME_SECONDS) {
    throw new TokenSigningError(
      `the token lifetime must be 1 to ${MAX_TOKEN_LIFETIME_SECONDS} seconds (Apple's limit)`,
    );
  }
  let key: ReturnType<typeof createPrivateKey>;
  try {
    key = createPrivateKey(request.privateKeyPem);
  } catch {
    throw new TokenSigningError(
      'the key file is not a PKCS#8 private key; use the AuthKey_<KEYID>.p8 file as written',
    );
  }
  if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    throw new TokenSigningError(
      'the key file does not hold a P-256 (ES256) key; App Store Connect keys are P-256',
    );
  }
  const iat = Math.floor(request.now.getTime() / 1000);
  const claims: Record<string, unknown> =
    request.issuerId === undefined ? { sub: 'user' } : { iss: request.issuerId };
  if (request.scope !== undefined && request.scope.length > 0) claims.scope = [...request.scope];
  // Loaded when a token is first signed: `serve` signs none before it answers (but the demo's), and jose is 48
  // ES modules Node 20 loads one by one (services/token-verifier.ts).
  const { SignJWT } = await import('jose');
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'ES256', kid: request.keyId, typ: 'JWT' })
    .setIssuedAt(iat)
    .setExpirationTime(iat + ttl)
    .setAudience(TOKEN_AUDIENCE)
    .sign(key);
}
