import type { JWTPayload } from 'jose';
import type { ApiKeyKind } from '../domain/records/keys.js';
import { MAX_TOKEN_LIFETIME_SECONDS } from './token-signer.js';

/**
 * What token-verifier.ts remembers of a token that verified, so that its later requests skip the signature,
 * and how long the time rules it passed hold.
 */

/** Clock skew allowed on `exp` and `iat` (docs/apple-behavior.md, §5). */
export const CLOCK_SKEW_SECONDS = 60;
const BEARER = /^Bearer +([A-Za-z0-9_.-]+) *$/i;

/**
 * The token of `Authorization: Bearer <JWT>`. A remembered token sent as most clients send it (`Bearer `, one
 * space, nothing after) is found without the pattern: every remembered token matched it, so the header does.
 */
export function tokenOf(
  authorization: string | undefined,
  remembered: ReadonlyMap<string, unknown>,
): string | undefined {
  if (authorization === undefined) return undefined;
  const token = rememberedTokenOf(authorization);
  if (token !== undefined && remembered.has(token)) return token;
  return BEARER.exec(authorization)?.[1];
}

/** The token of a header spelled as most clients spell it (`Bearer `, one space), without the pattern. */
export function rememberedTokenOf(authorization: string | undefined): string | undefined {
  return authorization?.startsWith(BEARER_PREFIX) ? authorization.slice(BEARER_PREFIX.length) : undefined;
}

const BEARER_PREFIX = 'Bearer ';

/** At most this many verified tokens are remembered; the oldest are forgotten first. */
const MAX_REMEMBERED = 10_000;
/**
 * Longer tokens are verified every time instead of remembered, so the memory is bounded by bytes too (at most
 * 10,000 x 4 KiB): Apple's tokens are a few hundred bytes, a scope adds a few hundred more, while a client
 * may sign claims up to the 16 KiB header limit.
 */
export const MAX_REMEMBERED_TOKEN_LENGTH = 4096;
/** How close to an edge of a token's validity in time the whole verification decides again. */
const EDGE_MARGIN_SECONDS = 2;

/** What a verified token's later requests need to know without verifying its signature again. */
export interface RememberedToken {
  readonly keyId: string;
  /** The key it verified with: a key of the same id but another public key does not count. */
  readonly publicKey: string;
  readonly kind: ApiKeyKind;
  readonly scope: readonly string[] | undefined;
  /** Epoch seconds strictly between which every rule that depends on the time holds. */
  readonly validFrom: number;
  readonly validUntil: number;
}

export function remember(
  remembered: Map<string, RememberedToken>,
  token: string,
  entry: RememberedToken,
): void {
  if (token.length > MAX_REMEMBERED_TOKEN_LENGTH) return;
  remembered.set(token, entry);
  for (const oldest of remembered.keys()) {
    if (remembered.size <= MAX_REMEMBERED) break;
    remembered.delete(oldest);
  }
}

/**
 * When the time-dependent rules (jose's `exp` and `nbf` with the skew; EXP_TOO_FAR, IAT_IN_FUTURE here) all
 * hold for a token that passed them once, narrowed by a margin on each side so the whole verification, not
 * this shortcut, decides near an edge.
 */
export function timeBounds(payload: JWTPayload): { validFrom: number; validUntil: number } {
  const exp = typeof payload.exp === 'number' ? payload.exp : 0;
  const starts = [exp - MAX_TOKEN_LIFETIME_SECONDS - CLOCK_SKEW_SECONDS];
  if (typeof payload.iat === 'number') starts.push(payload.iat - CLOCK_SKEW_SECONDS);
  if (typeof payload.nbf === 'number') starts.push(payload.nbf - CLOCK_SKEW_SECONDS);
  return {
    validFrom: Math.max(...starts) + EDGE_MARGIN_SECONDS,
    validUntil: exp + CLOCK_SKEW_SECONDS - EDGE_MARGIN_SECONDS,
  };
}
