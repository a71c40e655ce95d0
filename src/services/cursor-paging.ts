import {
  type CursorParameter,
  type CursorToken,
  cursorTag,
  formatCursor,
  tagsEqual,
} from '../domain/cursor-codec.js';
import { ApiError } from '../errors/api-error.js';
import { invalidCursorItem } from '../errors/api-errors.js';
import type { RowWindow } from '../domain/row-window.js';

/** A listing ordered by id that can be paged with Apple-shaped cursors (see domain/cursor-codec.ts). */
export interface PagedListing<Row> {
  /** What a cursor of this listing is valid for: see cursorScope(). */
  readonly scope: string;
  /** How many rows the listing has now. */
  count(): Promise<number>;
  /** The rows in a window of the listing, in id order (the store's list methods). */
  list(window: RowWindow): Promise<Row[]>;
  idOf(row: Row): string;
}

export interface Page<Row> {
  readonly rows: Row[];
  readonly total: number;
  /** The cursor of the next page; absent on the last page. */
  readonly nextCursor?: string;
}

/** The cursor's own position nearly always still holds its row: look there first, then in larger steps. */
const FIRST_SCAN = 4;
const SCAN_CHUNK = 256;

/**
 * Reads one page. Run it inside a store snapshot so `total` and the rows agree. With a cursor, the last row
 * served is found again among the current ids by its tag, first from the cursor's position onwards (rows that
 * appeared before it since push it later), then before it; the page continues after that row. A cursor whose
 * tag matches no id of this listing is answered 400.
 */
export async function readPage<Row>(
  listing: PagedListing<Row>,
  key: Uint8Array,
  cursor: CursorParameter | undefined,
  limit: number,
): Promise<Page<Row>> {
  const total = await listing.count();
  let afterId: string | undefined;
  let served = 0;
  if (cursor !== undefined) {
    const last = await findLastServed(listing, key, cursor.token, total);
    if (last === undefined) throw new ApiError([invalidCursorItem(cursor.text)]);
    afterId = last.id;
    served = last.index + 1;
  }
  const rows = await listing.list({ afterId, limit: limit + 1 });
  const hasMore = rows.length > limit;
  const pageRows = hasMore ? rows.slice(0, limit) : rows;
  const lastRow = pageRows.at(-1);
  if (!hasMore || lastRow === undefined) return { rows: pageRows, total };
  const position = served + pageRows.length;
  const lastId = listing.idOf(lastRow);
  return {
    rows: pageRows,
    total,
    nextCursor: formatCursor(position, cursorTag(key, listing.scope, position, lastId)),
  };
}

async function findLastServed<Row>(
  listing: PagedListing<Row>,
  key: Uint8Array,
  token: CursorToken,
  total: number,
): Promise<{ id: string; index: number } | undefined> {
  const matches = (id: string) => tagsEqual(cursorTag(key, listing.scope, token.position, id), token.tag);
  const idsFrom = async (offset: number, limit: number) =>
    (await listing.list({ offset, limit })).map((row) => listing.idOf(row));
  const hint = Math.min(token.position - 1, total);
  for (let offset = hint, chunk = FIRST_SCAN; offset < total; offset += chunk, chunk = SCAN_CHUNK) {
    const ids = await idsFrom(offset, chunk);
    const found = ids.findIndex(matches);
    if (found >= 0) return { id: ids[found] as string, index: offset + found };
    if (ids.length < chunk) break;
  }
  for (let end = hint; end > 0; end -= SCAN_CHUNK) {
    const offset = Math.max(0, end - SCAN_CHUNK);
    const ids = await idsFrom(offset, end - offset);
    const found = ids.findLastIndex(matches);
    if (found >= 0) return { id: ids[found] as string, index: offset + found };
  }
  return undefined;
}
