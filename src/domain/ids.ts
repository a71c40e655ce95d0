import { createHash, randomBytes, randomInt, randomUUID } from 'node:crypto';

/**
 * Identifier formats, shaped like Apple's: numeric app ids (`6447306070`), UUID tester ids, 10-character key
 * ids (`2X9R4HXF34`) and UUID issuer ids. Operators may choose their own app and tester ids; these rules keep
 * them safe in URLs, logs and cursors.
 */

/** Ids an operator may pick for apps and testers: URL-safe, no separators, at most 64 characters. */
const RESOURCE_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
const KEY_ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

export function isResourceId(text: string): boolean {
  return RESOURCE_ID_PATTERN.test(text);
}

/**
 * A new public link id: 8 base64url characters (48 random bits), drawn again until it is a resource id, which
 * starts with a letter or digit: about 3 in 100 start with '-' or '_', which an operator's input, an import
 * and the CLI refuse.
 */
export function newPublicLinkId(): string {
  for (;;) {
    const id = randomBytes(6).toString('base64url');
    if (isResourceId(id)) return id;
  }
}

/** A new app id: ten digits not starting with 0, like Apple's Apple IDs for apps. */
export function newAppId(): string {
  return String(randomInt(1_000_000_000, 10_000_000_000));
}

export function newTesterId(): string {
  return randomUUID();
}

export function newIssuerId(): string {
  return randomUUID();
}

export function newKeyId(): string {
  let id = '';
  for (let i = 0; i < 10; i++) id += KEY_ID_ALPHABET[randomInt(KEY_ID_ALPHABET.length)];
  return id;
}

/**
 * The id of the submission an event with content becomes (docs/feedback-content.md, "The wire"): a UUID made of
 * the SHA-256 of its app and event id (version and variant bits set as a name-based UUID's), so the same event
 * sent twice names the same submission. `part` tells apart other rows of the same event (its crash log).
 */
export function eventSubmissionId(appId: string, eventId: string, part = ''): string {
  const hash = createHash('sha256')
    .update(`${appId}\u0000${eventId}${part === '' ? '' : `\u0000${part}`}`)
    .digest();
  hash[6] = ((hash[6] ?? 0) & 0x0f) | 0x50;
  hash[8] = ((hash[8] ?? 0) & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
