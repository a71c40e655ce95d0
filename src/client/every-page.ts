import { AscApiError, UNEXPECTED_RESPONSE } from './asc-api-error.js';
import { pagingOf } from './page-rows.js';
import type { PageProgress } from './types.js';

/**
 * Where a `next` link is requested: as it is on the base URL's origin; on another origin, its path and query
 * on the base URL. The token only ever goes to the server the client was given (a server behind a proxy may
 * build links on its own address).
 */
export function onBaseUrl(link: string, baseUrl: string): string {
  const base = new URL(baseUrl);
  const target = new URL(link, base);
  if (target.origin === base.origin) return target.href;
  const prefix = base.pathname.replace(/\/+$/, '');
  const path =
    prefix !== '' && target.pathname.startsWith(`${prefix}/`) ? target.pathname : prefix + target.pathname;
  return `${base.origin}${path}${target.search}`;
}

/**
 * The rows of every page of a listing, from `firstUrl` along `links.next` until a page has none. `rowsOf`
 * reads one page's rows (undefined: the body is not such a page).
 */
export async function* everyPage<Row>(
  getJson: (url: string) => Promise<unknown>,
  firstUrl: string,
  baseUrl: string,
  rowsOf: (body: unknown) => Row[] | undefined,
  onPage?: (progress: PageProgress) => void,
): AsyncGenerator<Row> {
  const seen = new Set<string>();
  let url: string | undefined = firstUrl;
  let pages = 0;
  let count = 0;
  while (url !== undefined) {
    seen.add(url);
    const body = await getJson(url);
    const rows = rowsOf(body);
    if (rows === undefined) {
      throw new AscApiError({
        status: 200,
        url,
        code: UNEXPECTED_RESPONSE,
        title: 'The answer is not a page of this listing',
        detail: 'the body has no data array of the expected resources',
      });
    }
    const { next, total } = pagingOf(body);
    pages += 1;
    count += rows.length;
    onPage?.({ pages, rows: count, ...(total !== undefined && { total }) });
    yield* rows;
    url = next === undefined ? undefined : onBaseUrl(next, baseUrl);
    if (url !== undefined && seen.has(url)) {
      throw new AscApiError({
        status: 200,
        url,
        code: UNEXPECTED_RESPONSE,
        title: 'The pages loop',
        detail: 'links.next points at a page already read',
      });
    }
  }
}
