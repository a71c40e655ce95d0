import { MAX_TOKEN_LIFETIME_SECONDS, signToken } from '../wire-common/sign-token.js';

/** A token is signed anew once it has less than this left to live. */
export const TOKEN_RENEW_MARGIN_MS = 60_000;

export interface TokenSourceOptions {
  /** PKCS#8 PEM: the contents of AuthKey_<KEYID>.p8. */
  readonly privateKeyPem: string;
  readonly keyId: string;
  /** Team keys; without it the token is an individual key's (`sub: "user"`). */
  readonly issuerId?: string;
  /** Seconds from signing to `exp`, 1..1200. */
  readonly ttlSeconds: number;
  readonly now?: () => Date;
}

/** ES256 tokens for one key: one is reused until 60 s before its `exp`, then another is signed. */
export interface TokenSource {
  get(): Promise<string>;
  /** Forgets `stale` (refused with a 401), so the next `get` signs a new one unless that happened already. */
  renew(stale: string): void;
}

export function createTokenSource(options: TokenSourceOptions): TokenSource {
  if (
    !Number.isInteger(options.ttlSeconds) ||
    options.ttlSeconds < 1 ||
    options.ttlSeconds > MAX_TOKEN_LIFETIME_SECONDS
  ) {
    throw new RangeError(
      `tokenTtl must be a whole number of seconds from 1 to ${MAX_TOKEN_LIFETIME_SECONDS} (Apple's limit)`,
    );
  }
  const now = options.now ?? (() => new Date());
  let current: { token: Promise<string>; value?: string; renewAtMs: number } | undefined;
  return {
    get() {
      const at = now();
      if (current === undefined || at.getTime() >= current.renewAtMs) {
        // `iat` is whole seconds: `exp` is at most ttl seconds after the moment of signing.
        const expMs = Math.floor(at.getTime() / 1000) * 1000 + options.ttlSeconds * 1000;
        const token = signToken({
          privateKeyPem: options.privateKeyPem,
          keyId: options.keyId,
          ...(options.issuerId !== undefined && { issuerId: options.issuerId }),
          ttlSeconds: options.ttlSeconds,
          now: at,
        });
        const entry: { token: Promise<string>; value?: string; renewAtMs: number } = {
          token,
          renewAtMs: expMs - TOKEN_RENEW_MARGIN_MS,
        };
        current = entry;
        token.then(
          (value) => {
            entry.value = value;
          },
          // A signing failure is not cached: the next call tries again.
          () => {
            if (current === entry) current = undefined;
          },
        );
      }
      return current.token;
    },
    renew(stale) {
      // Two requests refused with the same token renew it once.
      if (current?.value === stale) current = undefined;
    },
  };
}
