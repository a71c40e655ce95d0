import type { Page } from '../../services/cursor-paging.js';
import type { CursorToken } from '../../services/cursor-token.js';

/**
 * Every row of a listing, following each page's `next` the way an API client follows `links.next`. The tokens
 * never leave the command, so the scope `readPage` reads under only has to stay the same from page to page.
 */
export async function everyPage<Row>(
  readPage: (after: CursorToken | undefined) => Promise<Page<Row>>,
): Promise<Row[]> {
  const rows: Row[] = [];
  let after: CursorToken | undefined;
  for (;;) {
    const page = await readPage(after);
    rows.push(...page.rows);
    if (page.next === undefined) return rows;
    after = page.next;
  }
}
