import { createPublicKey, type KeyObject } from 'node:crypto';
import type { JWTPayload } from 'jose';
import { type Clock, clockMillis } from '../domain/clock.js';
import { isRole, type Role } from '../domain/roles.js';
import type { ApiKeyKind, ApiKeyRecord } from '../domain/records/keys.js';
import type { KeptReads } from '../storage/kept-reads.js';
import type { KeyReads } from '../storage/key-store.js';
import {
  CLOCK_SKEW_SECONDS,
  type RememberedToken,
  remember,
  rememberedTokenOf,
  timeBounds,
  tokenOf,
} from './remembered-tokens.js';
import { scopeAllows } from './token-scope.js';
import { MAX_TOKEN_LIFETIME_SECONDS, TOKEN_AUDIENCE } from './token-signer.js';

export { MAX_REMEMBERED_TOKEN_LENGTH } from './remembered-tokens.js';

/**
 * Why a token was refused. The wire always says 401 NOT_AUTHORIZED (as Apple does); the log says which of these
 * it was, so an operator can help a client without the client learning how to probe.
 */
export type AuthFailureReason =
  | 'MISSING_TOKEN'
  | 'MALFORMED_TOKEN'
  | 'ALG_NOT_ALLOWED'
  | 'TYP_NOT_JWT'
  | 'KID_MISSING'
  | 'UNKNOWN_KEY'
  | 'REVOKED_KEY'
  | 'BAD_SIGNATURE'
  | 'BAD_AUDIENCE'
  | 'BAD_ISSUER'
  | 'BAD_SUBJECT'
  | 'EXP_MISSING'
  | 'EXPIRED'
  | 'EXP_TOO_FAR'
  | 'LIFETIME_TOO_LONG'
  | 'IAT_IN_FUTURE'
  | 'NOT_YET_VALID'
  | 'SCOPE_MALFORMED'
  | 'SCOPE_MISMATCH';

export class AuthenticationError extends Error {
  constructor(readonly reason: AuthFailureReason) {
    super(`token refused: ${reason}`);
    this.name = 'AuthenticationError';
  }
}

/** The key a request is made with, once its token is verified. */
export interface VerifiedKey {
  readonly keyId: string;
  readonly role: Role;
  readonly kind: ApiKeyKind;
  /** The key has the TESTING capability (faults on demand, the test controls). */
  readonly testing: boolean;
}

/** What the request asks for; a token's `scope`, when present, must allow it. */
export interface RequestTarget {
  readonly method: string;
  readonly path: string;
  readonly query: ReadonlyArray<readonly [string, string]>;
}

export interface TokenVerifier {
  /** Verifies `Authorization: Bearer <JWT>`; throws AuthenticationError with the reason. */
  verify(authorization: string | undefined, target: RequestTarget): Promise<VerifiedKey>;
  /**
   * `verify` without waiting, for a remembered token without a scope whose key `kept` holds
   * (storage/kept-reads.ts); undefined whenever `verify` must decide, a refusal included.
   */
  verifyKept(authorization: string | undefined, kept: Pick<KeptReads, 'apiKey'>): VerifiedKey | undefined;
  /** How many verified tokens are remembered now, and their characters (bounded: see MAX_REMEMBERED). */
  remembered(): { tokens: number; characters: number };
}

/**
 * jose, loaded by the first token verified in full rather than with the server: it is 48 ES modules, which
 * Node 20 loads one by one (20-30 ms), all before `serve` answers its first request, `/healthz` included
 * (docs/architecture.md). A remembered token never needs it.
 */
let jose: Promise<typeof import('jose')> | undefined;

/**
 * Apple's rules (docs/apple-behavior.md, §5): ES256 only, `kid` names a key of this store that is not revoked,
 * `typ` JWT, `aud` appstoreconnect-v1, `exp` required and at most 20 minutes ahead, `exp - iat` at most 20
 * minutes, `iat` not in the future; team keys carry `iss` = the issuer id, individual keys `sub` = "user" and
 * no `iss`; `scope`, when present, must allow the request. Keys are read on every request, through the store's
 * read cache (storage/read-caches.ts), which forgets a key as soon as it learns that any process sharing the
 * store changed it: a revocation applies at once on the node that made it, and on every other within a second.
 *
 * A token that verified is remembered (at most `MAX_REMEMBERED` of them) with what its verification read, so
 * its next requests skip the signature: they still read the key (revoked? the same public key?), check the
 * scope against the request, and fall back to the whole verification near any edge of the token's validity
 * in time, where the full rules decide (and name the reason).
 */
export function tokenVerifier(store: KeyReads, issuerId: string, clock: Clock): TokenVerifier {
  const remembered = new Map<string, RememberedToken>();
  const publicKeys = new Map<string, { pem: string; key: KeyObject }>();
  const publicKey = (keyId: string, pem: string) => {
    const cached = publicKeys.get(keyId);
    if (cached?.pem === pem) return cached.key;
    const key = createPublicKey(pem);
    publicKeys.set(keyId, { pem, key });
    return key;
  };
  /** The remembered token's key, still valid as read now; undefined when the whole verification must decide. */
  const stillValid = (known: RememberedToken, key: ApiKeyRecord | undefined): VerifiedKey | undefined => {
    const nowSeconds = clockMillis(clock) / 1000;
    if (
      key === undefined ||
      key.revokedAt !== null ||
      key.publicKey !== known.publicKey ||
      key.kind !== known.kind ||
      !isRole(key.role) ||
      nowSeconds <= known.validFrom ||
      nowSeconds >= known.validUntil
    )
      return undefined;
    return { keyId: key.keyId, role: key.role, kind: key.kind, testing: key.testing };
  };

  /**
   * The last header `verifyKept` found remembered: the same header again (a client's next request) is compared,
   * not hashed; a token is 300 characters or more, and its hash was 3% of a replayed answer's CPU samples
   * (BENCHMARKS.md, "Where the time goes now"). Its signature verified once, so it holds while `stillValid`
   * does, even once no longer remembered.
   */
  let lastKept: { authorization?: string; known?: RememberedToken } = {};

  return {
    async verify(authorization, target) {
      const token = tokenOf(authorization, remembered);
      if (token === undefined) throw new AuthenticationError('MISSING_TOKEN');
      const known = remembered.get(token);
      if (known !== undefined) {
        const verified = stillValid(known, await store.findApiKey(known.keyId));
        if (verified !== undefined) {
          if (known.scope !== undefined && !scopeAllows(known.scope, target))
            throw new AuthenticationError('SCOPE_MISMATCH');
          return verified;
        }
        remembered.delete(token);
      }
      jose ??= import('jose');
      const { decodeProtectedHeader, errors, jwtVerify } = await jose;
      let header: ReturnType<typeof decodeProtectedHeader>;
      try {
        header = decodeProtectedHeader(token);
      } catch {
        throw new AuthenticationError('MALFORMED_TOKEN');
      }
      if (header.alg !== 'ES256') throw new AuthenticationError('ALG_NOT_ALLOWED');
      if (header.typ !== 'JWT') throw new AuthenticationError('TYP_NOT_JWT');
      if (typeof header.kid !== 'string' || header.kid.length === 0)
        throw new AuthenticationError('KID_MISSING');

      const key = await store.findApiKey(header.kid);
      if (key === undefined) throw new AuthenticationError('UNKNOWN_KEY');
      if (key.revokedAt !== null) throw new AuthenticationError('REVOKED_KEY');

      const now = clock.now();
      let payload: JWTPayload;
      try {
        ({ payload } = await jwtVerify(token, publicKey(key.keyId, key.publicKey), {
          algorithms: ['ES256'],
          audience: TOKEN_AUDIENCE,
          ...(key.kind === 'TEAM' && { issuer: issuerId }),
          clockTolerance: CLOCK_SKEW_SECONDS,
          currentDate: now,
          requiredClaims: ['exp'],
        }));
      } catch (error) {
        throw new AuthenticationError(joseFailureReason(errors, error));
      }
      if (key.kind === 'INDIVIDUAL') {
        if (payload.iss !== undefined) throw new AuthenticationError('BAD_ISSUER');
        if (payload.sub !== 'user') throw new AuthenticationError('BAD_SUBJECT');
      }
      checkLifetime(payload, now.getTime() / 1000);
      let scope: string[] | undefined;
      if (payload.scope !== undefined) {
        const claimed = payload.scope;
        if (!Array.isArray(claimed) || !claimed.every((entry) => typeof entry === 'string')) {
          throw new AuthenticationError('SCOPE_MALFORMED');
        }
        scope = claimed;
        if (!scopeAllows(scope, target)) throw new AuthenticationError('SCOPE_MISMATCH');
      }
      if (!isRole(key.role)) throw new AuthenticationError('UNKNOWN_KEY');
      remember(remembered, token, {
        keyId: key.keyId,
        publicKey: key.publicKey,
        kind: key.kind,
        scope,
        ...timeBounds(payload),
      });
      return { keyId: key.keyId, role: key.role, kind: key.kind, testing: key.testing };
    },

    verifyKept(authorization, kept) {
      let known: RememberedToken | undefined;
      if (authorization !== undefined && authorization === lastKept.authorization) known = lastKept.known;
      else {
        const token = rememberedTokenOf(authorization);
        known = token === undefined ? undefined : remembered.get(token);
        if (known !== undefined) lastKept = { authorization, known };
      }
      if (known === undefined || known.scope !== undefined) return undefined;
      const key = kept.apiKey(known.keyId);
      return key === undefined ? undefined : stillValid(known, key);
    },

    remembered() {
      let characters = 0;
      for (const token of remembered.keys()) characters += token.length;
      return { tokens: remembered.size, characters };
    },
  };
}

function checkLifetime(payload: JWTPayload, nowSeconds: number): void {
  const { exp, iat } = payload;
  if (typeof exp !== 'number') throw new AuthenticationError('EXP_MISSING');
  if (exp > nowSeconds + MAX_TOKEN_LIFETIME_SECONDS + CLOCK_SKEW_SECONDS) {
    throw new AuthenticationError('EXP_TOO_FAR');
  }
  if (iat !== undefined) {
    if (iat > nowSeconds + CLOCK_SKEW_SECONDS) throw new AuthenticationError('IAT_IN_FUTURE');
    if (exp - iat > MAX_TOKEN_LIFETIME_SECONDS) throw new AuthenticationError('LIFETIME_TOO_LONG');
  }
}

function joseFailureReason(errors: typeof import('jose').errors, error: unknown): AuthFailureReason {
  if (error instanceof errors.JWTExpired) return 'EXPIRED';
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'BAD_SIGNATURE';
  if (error instanceof errors.JOSEAlgNotAllowed) return 'ALG_NOT_ALLOWED';
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === 'aud') return 'BAD_AUDIENCE';
    if (error.claim === 'iss') return 'BAD_ISSUER';
    if (error.claim === 'exp') return 'EXP_MISSING';
    if (error.claim === 'nbf') return 'NOT_YET_VALID';
  }
  return 'MALFORMED_TOKEN';
}
