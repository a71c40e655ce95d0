import type { RowWindow } from '../domain/row-window.js';
import type { SnapshotStore } from '../storage/snapshot-store.js';
import { type CursorToken, cursorTag, tagsEqual } from './cursor-token.js';

/** Which page of a listing to read. */
export interface PageRequest {
  /** Rows per page, at least 1. */
  readonly limit: number;
  /** Where the previous page ended (that page's `next`); the first page when absent. */
  readonly after?: CursorToken;
  /**
   * What the listing's cursors are valid for: the caller's name for the listing with every filter that decides
   * its rows (the API writes its path and query: http/cursor-scopes.ts). A token of another scope is refused.
   */
  readonly scope: string;
}

export interface Page<Row> {
  readonly rows: Row[];
  readonly total: number;
  /** Where this page ended, to read the next one; absent on the last page. */
  readonly next?: CursorToken;
}

/** A token this listing did not issue: tampered with, of another scope or key, or its last row is gone. */
export class InvalidCursor extends Error {
  constructor(readonly token: CursorToken) {
    super('the cursor is not valid for this listing');
    this.name = 'InvalidCursor';
  }
}

/** A listing ordered by id that can be paged with cursor tokens (see cursor-token.ts). */
export interface PagedListing<Row> {
  /** How many rows the listing has now. */
  count(): Promise<number>;
  /** The rows in a window of the listing, in id order (the store's list methods). */
  list(window: RowWindow): Promise<Row[]>;
  idOf(row: Row): string;
  /**
   * Whether the listing is in an order of its own (a `sort`), not by id: the page after a token is then read
   * from the position its last row was found at, in the same snapshot, instead of after that row's id.
   */
  readonly byOffset?: boolean;
}

/** A collection of the store that can be filtered, counted and listed in id order. */
export interface StoreCollection<Reader, Filter, Row> {
  count(reader: Reader, filter: Filter): Promise<number>;
  list(reader: Reader, filter: Filter, window: RowWindow): Promise<Row[]>;
}

/**
 * One page of a collection whose rows carry their id, read in one store snapshot so `total` and the rows
 * agree: the one paged listing every collection (apps, testers, ...) is served by.
 */
export function pagedCollection<Reader, Filter, Row extends { readonly id: string }>(
  store: SnapshotStore<Reader>,
  key: Uint8Array,
  collection: StoreCollection<Reader, Filter, Row>,
): (filter: Filter, page: PageRequest) => Promise<Page<Row>> {
  return (filter, page) =>
    store.snapshot((reader) =>
      readPage(
        {
          count: () => collection.count(reader, filter),
          list: (window) => collection.list(reader, filter, window),
          idOf: (row) => row.id,
        },
        key,
        page,
      ),
    );
}

/** The cursor's own position nearly always still holds its row: look there first, then in larger steps. */
const FIRST_SCAN = 4;
const SCAN_CHUNK = 256;

/**
 * Where a page's first read starts and how many rows it takes: the first page and the row after it, or, after a
 * token, the FIRST_SCAN rows from the token's position (where its last row served nearly always still is) and
 * the page after them, so one read finds the token and serves the page. Undefined for a token whose position
 * no listing has (readPage then scans, and refuses it).
 */
export function firstRead(
  page: PageRequest,
): { readonly offset: number; readonly limit: number } | undefined {
  if (page.after === undefined) return { offset: 0, limit: page.limit + 1 };
  const offset = page.after.position - 1;
  if (!Number.isSafeInteger(offset) || offset < 0) return undefined;
  return { offset, limit: FIRST_SCAN + page.limit + 1 };
}

/**
 * The page served from the rows of `firstRead(page)`, as readPage serves it, when they hold the token's last row
 * among their first FIRST_SCAN (or there is no token); undefined when they do not: readPage then scans for it.
 * For a caller that reads those rows with the listing's total in one statement (services/beta-tester-usages.ts).
 */
export function pageOfFirstRead<Row>(
  rows: Row[],
  total: number,
  idOf: (row: Row) => string,
  key: Uint8Array,
  page: PageRequest,
): Page<Row> | undefined {
  const read = firstRead(page);
  if (read === undefined) return undefined;
  if (page.after === undefined) return pageOf(rows, 0, idOf, key, page, total);
  const { position, tag } = page.after;
  const found = rows
    .slice(0, FIRST_SCAN)
    .findIndex((row) => tagsEqual(cursorTag(key, page.scope, position, idOf(row)), tag));
  if (found < 0) return undefined;
  return pageOf(
    rows.slice(found + 1, found + 2 + page.limit),
    read.offset + found + 1,
    idOf,
    key,
    page,
    total,
  );
}

/**
 * Reads one page. Run it inside a store snapshot so `total` and the rows agree. After a token, the last row
 * served is found again among the current ids by its tag, first from the token's position onwards (rows that
 * appeared before it since push it later), then before it; the page continues after that row. A token whose
 * tag matches no id of this listing throws InvalidCursor.
 */
export async function readPage<Row>(
  listing: PagedListing<Row>,
  key: Uint8Array,
  page: PageRequest,
): Promise<Page<Row>> {
  const idOf = (row: Row) => listing.idOf(row);
  const total = await listing.count();
  const read = firstRead(page);
  if (read !== undefined) {
    const served = pageOfFirstRead(await listing.list(read), total, idOf, key, page);
    if (served !== undefined) return served;
  }
  if (page.after === undefined) throw new Error('the first page is always served by its first read');
  const last = await findLastServed(listing, key, page.scope, page.after, total);
  if (last === undefined) throw new InvalidCursor(page.after);
  const served = last.index + 1;
  const rows = await listing.list(
    listing.byOffset === true
      ? { offset: served, limit: page.limit + 1 }
      : { afterId: last.id, limit: page.limit + 1 },
  );
  return pageOf(rows, served, idOf, key, page, total);
}

/** A page of `rows` (up to one more than the limit), the listing's first `served` rows before them. */
function pageOf<Row>(
  rows: Row[],
  served: number,
  idOf: (row: Row) => string,
  key: Uint8Array,
  page: PageRequest,
  total: number,
): Page<Row> {
  const hasMore = rows.length > page.limit;
  const pageRows = hasMore ? rows.slice(0, page.limit) : rows;
  const lastRow = pageRows.at(-1);
  if (!hasMore || lastRow === undefined) return { rows: pageRows, total };
  const position = served + pageRows.length;
  return {
    rows: pageRows,
    total,
    next: { position, tag: cursorTag(key, page.scope, position, idOf(lastRow)) },
  };
}

async function findLastServed<Row>(
  listing: PagedListing<Row>,
  key: Uint8Array,
  scope: string,
  token: CursorToken,
  total: number,
): Promise<{ id: string; index: number } | undefined> {
  const matches = (id: string) => tagsEqual(cursorTag(key, scope, token.position, id), token.tag);
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
