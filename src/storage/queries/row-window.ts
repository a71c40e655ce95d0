import type { SelectQueryBuilder } from 'kysely';
import type { RowWindow } from '../../domain/row-window.js';

/** Applies a RowWindow to a query ordered by `idColumn`: keyset after `afterId`, or from `offset`. */
export function applyWindow<DB, TB extends keyof DB, O>(
  query: SelectQueryBuilder<DB, TB, O>,
  idColumn: string,
  window: RowWindow,
): SelectQueryBuilder<DB, TB, O> {
  // biome-ignore lint/suspicious/noExplicitAny: Kysely cannot type a column passed by name; callers pass a literal.
  const column = idColumn as any;
  let windowed = query.orderBy(column).limit(window.limit);
  if (window.afterId !== undefined) windowed = windowed.where(column, '>', window.afterId);
  if (window.offset !== undefined && window.offset > 0) windowed = windowed.offset(window.offset);
  return windowed;
}

/** Counts come back as numbers from SQLite and as strings (bigint) from PostgreSQL. */
export function toCount(value: unknown): number {
  return Number(value ?? 0);
}

/** Splits `items` so each statement binds at most `maxParameters` parameters. */
export function chunksFor<T>(items: readonly T[], parametersPerItem: number, maxParameters: number): T[][] {
  const size = Math.max(1, Math.floor(maxParameters / parametersPerItem));
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
  return chunks;
}
