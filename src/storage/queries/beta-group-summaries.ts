import type { Kysely } from 'kysely';
import type { BetaGroupSummary } from '../../domain/records/beta-group-summary.js';
import type { Database } from '../schema.js';
import { toCount } from './row-window.js';

/** The dashboard's groups: an app's beta groups with their testers (those who are testers of the app). */

export async function listBetaGroupSummaries(
  db: Kysely<Database>,
  appId: string,
  groupId?: string,
): Promise<BetaGroupSummary[]> {
  const rows = await betaGroupSummariesQuery(db, appId, groupId).execute();
  const groups = rows.map((row) => ({
    id: row.id,
    appId: row.app_id,
    name: row.name,
    isInternal: row.is_internal === 1,
    publicLinkEnabled: row.public_link_enabled === 1,
    createdAt: row.created_at,
    testers: toCount(row.testers),
  }));
  // Ordered here, not in SQL: the two backends collate names differently. An app has few groups.
  return groups.sort(
    (a, b) =>
      Number(b.isInternal) - Number(a.isInternal) || compareText(a.name, b.name) || compareText(a.id, b.id),
  );
}

/** The groups of an app (or one of them), each with its member count: through beta_groups_by_app (0008). */
export function betaGroupSummariesQuery(db: Kysely<Database>, appId: string, groupId?: string) {
  let query = db
    .selectFrom('beta_groups as g')
    .select((eb) => [
      'g.id',
      'g.app_id',
      'g.name',
      'g.is_internal',
      'g.public_link_enabled',
      'g.created_at',
      eb
        .selectFrom('beta_group_testers as gt')
        .innerJoin('app_testers as m', (join) =>
          join.onRef('m.tester_id', '=', 'gt.tester_id').onRef('m.app_id', '=', 'g.app_id'),
        )
        .select(eb.fn.countAll().as('n'))
        .whereRef('gt.group_id', '=', 'g.id')
        .as('testers'),
    ])
    .where('g.app_id', '=', appId);
  if (groupId !== undefined) query = query.where('g.id', '=', groupId);
  return query;
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
