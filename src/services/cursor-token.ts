import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Where a page of a listing ended, as a token a client hands back for the next page: how many items it has been
 * served, and a tag that binds that position to the last item served and to the listing (its scope):
 *
 * - tag: the first TAG_BYTES bytes of HMAC-SHA256(store key, "v1\n<scope>\n<position>\n<last id served>").
 *
 * The last id is not in the token; the server finds it again by checking the tag against the ids near
 * `position` in the current listing (cursor-paging.ts). That keeps the token as short as Apple's cursors and
 * makes paging keyset-based: items that appear meanwhile never shift a page, so paging while data changes skips
 * and repeats nobody. Changing the token, or using it with another listing, filter or period (the scope), fails
 * the tag. Its text form (`<position>.<tag>`, as the live service writes cursors) is the API edge's:
 * http/cursor-text.ts.
 */
export interface CursorToken {
  /** How many items the pages before this one served: 1..MAX_CURSOR_POSITION. */
  readonly position: number;
  /** TAG_BYTES bytes. */
  readonly tag: Buffer;
}

export const CURSOR_TAG_BYTES = 4;
export const MAX_CURSOR_POSITION = 2 ** 48;

/** The tag of a token; `scope` names the listing (the caller's: the API writes its path and query). */
export function cursorTag(key: Uint8Array, scope: string, position: number, lastId: string): Buffer {
  return createHmac('sha256', key)
    .update(`v1\n${scope}\n${position}\n${lastId}`)
    .digest()
    .subarray(0, CURSOR_TAG_BYTES);
}

export function tagsEqual(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}
