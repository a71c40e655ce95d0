import type { Kysely } from 'kysely';
import type { PublicLinkLimit } from '../../domain/usage-values.js';
import type { Database } from '../schema.js';
import { chunksFor, toCount } from './row-window.js';

/**
 * Of the groups `groupIds` of app `appId`, those whose public link has its limit on, each with its limit and
 * its accepts so far: one read of the groups, and one of the rollup by its primary key (app, group, day).
 */
export async function publicLinkLimits(
  db: Kysely<Database>,
  appId: string,
  groupIds: readonly string[],
): Promise<Map<string, PublicLinkLimit>> {
  const limits = new Map<string, PublicLinkLimit>();
  for (const chunk of chunksFor([...new Set(groupIds)], 1, 10_000)) {
    const groups = await db
      .selectFrom('beta_groups')
      .select(['id', 'public_link_limit'])
      .where('app_id', '=', appId)
      .where('id', 'in', chunk)
      .where('public_link_limit_enabled', '=', 1)
      .where('public_link_limit', 'is not', null)
      .execute();
    if (groups.length === 0) continue;
    const accepts = await db
      .selectFrom('public_link_daily')
      .select(['group_id', (eb) => eb.fn.sum<number>('accept_count').as('accepted')])
      .where('app_id', '=', appId)
      .where(
        'group_id',
        'in',
        groups.map((group) => group.id),
      )
      .groupBy('group_id')
      .execute();
    const accepted = new Map(accepts.map((row) => [row.group_id, toCount(row.accepted)]));
    for (const group of groups)
      limits.set(group.id, {
        limit: Number(group.public_link_limit),
        accepted: accepted.get(group.id) ?? 0,
      });
  }
  return limits;
}
