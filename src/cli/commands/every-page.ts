import { type CursorParameter, parseCursor } from '../../domain/cursor-codec.js';
import type { Page } from '../../services/cursor-paging.js';

/** Every row of a listing, following its cursors the way an API client follows `links.next`. */
export async function everyPage<Row>(
  readPage: (cursor: { cursor?: CursorParameter }) => Promise<Page<Row>>,
): Promise<Row[]> {
  const rows: Row[] = [];
  let cursor: CursorParameter | undefined;
  for (;;) {
    const page = await readPage(cursor === undefined ? {} : { cursor });
    rows.push(...page.rows);
    const token = page.nextCursor === undefined ? undefined : parseCursor(page.nextCursor);
    if (page.nextCursor === undefined || token === undefined) return rows;
    cursor = { text: page.nextCursor, token };
  }
}
