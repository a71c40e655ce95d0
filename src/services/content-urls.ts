import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Clock } from '../domain/clock.js';
import type { SettingsStore } from '../storage/settings-store.js';

/**
 * Signed, expiring URLs of stored content (docs/feedback-content.md, "Serving"; docs/apple-behavior.md, §12).
 * Like Apple's own image URLs they need no token: whoever holds one may fetch it until it expires. The signature
 * is HMAC-SHA256, under a key kept in the store's settings (so every node over the store accepts what any node
 * signed), of the app, the content's SHA-256 and the expiry; the rendition asked for (size, format) is left to
 * the client, as in Apple's `templateUrl`.
 */

/** The store setting holding the key (base64url, 32 random bytes), created on first use and never logged. */
export const CONTENT_URL_KEY_SETTING = 'content_url_key';

/** Where screenshots are served: `<base>/content/v1/screenshots/<app id>/<sha256>/<w>x<h>bb.<f>?...`. */
export const SCREENSHOT_CONTENT_PATH = '/content/v1/screenshots';

const DAY_SECONDS = 86_400;
const SHA256_HEX = /^[0-9a-f]{64}$/;
const SIGNATURE_HEX = /^[0-9a-f]{64}$/;
const UNIX_SECONDS = /^[0-9]{1,12}$/;

/** What a content URL carries besides its rendition. */
export interface SignedContent {
  readonly appId: string;
  /** Lowercase hex. */
  readonly sha256: string;
  /** Unix time in seconds (UTC) from which the URL is refused. */
  readonly expires: number;
  /** Lowercase hex HMAC-SHA256. */
  readonly signature: string;
}

/** Why a content URL is refused, or that it holds. */
export type ContentUrlCheck = 'valid' | 'invalid' | 'expired';

export interface ContentUrlSigner {
  /** Signs the content `sha256` of `appId` until the end of the next UTC day (`contentUrlExpiry`). */
  sign(appId: string, sha256: string): SignedContent;
  /** Checks a URL's parts as sent (text, not trusted): the signature first, then the expiry. */
  check(appId: string, sha256: string, expires: string, signature: string): ContentUrlCheck;
}

/**
 * When a URL signed at `now` expires, in Unix seconds: the end of the next UTC day (docs/apple-behavior.md, §12).
 * Every URL signed on one UTC day is the same, so an answer kept or cached during that day repeats the same
 * URLs (and a browser's cache of the image holds), and a URL is valid for at least 24 hours after it is handed
 * out, at most 48.
 */
export function contentUrlExpiry(now: Date): number {
  const day = Math.floor(now.getTime() / 1000 / DAY_SECONDS);
  return (day + 2) * DAY_SECONDS;
}

export function contentUrlSigner(key: Uint8Array, clock: Clock): ContentUrlSigner {
  const mac = (appId: string, sha256: string, expires: number): Buffer =>
    // A JSON array keeps the parts apart whatever an app id holds.
    createHmac('sha256', key)
      .update(JSON.stringify(['content/v1/screenshots', appId, sha256, expires]))
      .digest();
  return {
    sign(appId, sha256) {
      const expires = contentUrlExpiry(clock.now());
      return { appId, sha256, expires, signature: mac(appId, sha256, expires).toString('hex') };
    },
    check(appId, sha256, expires, signature) {
      if (!SHA256_HEX.test(sha256) || !UNIX_SECONDS.test(expires) || !SIGNATURE_HEX.test(signature))
        return 'invalid';
      const expected = mac(appId, sha256, Number(expires));
      if (!timingSafeEqual(expected, Buffer.from(signature, 'hex'))) return 'invalid';
      return Number(expires) * 1000 <= clock.now().getTime() ? 'expired' : 'valid';
    },
  };
}

/** The store's content URL key, created (32 random bytes) by the first node that needs it. */
export async function contentUrlKey(settings: Pick<SettingsStore, 'settingOrInsert'>): Promise<Buffer> {
  const stored = await settings.settingOrInsert(
    CONTENT_URL_KEY_SETTING,
    randomBytes(32).toString('base64url'),
  );
  return Buffer.from(stored, 'base64url');
}

/** `/content/v1/screenshots/<app id>/<sha256>/<rendition>?expires=<s>&signature=<hex>`, on no base. */
export function signedContentPath(signed: SignedContent, rendition: string): string {
  return `${SCREENSHOT_CONTENT_PATH}/${encodeURIComponent(signed.appId)}/${signed.sha256}/${rendition}?expires=${signed.expires}&signature=${signed.signature}`;
}
