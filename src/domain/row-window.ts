/**
 * Which rows of a listing (ordered by id, ascending, compared as bytes) to read: those after `afterId` (keyset
 * paging) or those from `offset` on, at most `limit` of them.
 */
export interface RowWindow {
  readonly afterId?: string;
  readonly offset?: number;
  readonly limit: number;
}
