import type { Expression, Kysely, RawBuilder } from 'kysely';
import { sql } from '../kysely.js';
import type { CalendarDay } from '../../domain/calendar-day.js';
import type { TesterSortKey } from '../../domain/tester-sort.js';
import type { TesterState } from '../../domain/tester-state.js';
import type { TesterUsageRow } from '../../domain/records/app-usage.js';
import type { TesterSearch, TesterUsageQuery } from '../dashboard-store.js';
import type { Database } from '../schema.js';
import { toCount } from './row-window.js';
import { windowSums } from './window-sums.js';

/** The dashboard's tester table: one sorted, filtered page of an app's testers with their usage. */

export async function listTesterUsage(
  db: Kysely<Database>,
  appId: string,
  query: TesterUsageQuery,
): Promise<TesterUsageRow[]> {
  const rows = await searched(
    db
      .with('sums', (qb) => windowSums(qb, appId, query.firstDay, query.lastDay, { members: 'app' }))
      .selectFrom('sums as s')
      .innerJoin('app_testers as m', (join) =>
        join.onRef('m.tester_id', '=', 's.tester_id').on('m.app_id', '=', appId),
      )
      .innerJoin('beta_testers as t', 't.id', 's.tester_id')
      .select([
        'm.tester_id',
        't.first_name',
        't.last_name',
        't.email',
        'm.state',
        'm.installed_at',
        's.sessions',
        's.crashes',
        's.feedback',
      ]),
    query,
  )
    .orderBy(sortExpression(query.sort, query.lastDay), query.descending ? 'desc' : 'asc')
    .orderBy('m.tester_id', 'asc')
    .limit(query.limit)
    .offset(query.offset)
    .execute();
  const lastSeen = await lastSeenDays(
    db,
    appId,
    rows.map((row) => row.tester_id),
    query.lastDay,
  );
  return rows.map((row) => ({
    testerId: row.tester_id,
    firstName: row.first_name,
    lastName: row.last_name,
    email: row.email,
    state: row.state as TesterState,
    installedAt: row.installed_at,
    values: {
      crashCount: toCount(row.crashes),
      sessionCount: toCount(row.sessions),
      feedbackCount: toCount(row.feedback),
    },
    lastSeenDay: lastSeen.get(row.tester_id) ?? null,
  }));
}

export async function countAppTesters(
  db: Kysely<Database>,
  appId: string,
  filter: TesterSearch,
): Promise<number> {
  const row = await searched(
    db
      .selectFrom('app_testers as m')
      .innerJoin('beta_testers as t', 't.id', 'm.tester_id')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('m.app_id', '=', appId),
    filter,
  ).executeTakeFirst();
  return toCount(row?.n);
}

/** The filter of TesterSearch, on a query that joins `app_testers as m` and `beta_testers as t`. */
function searched<Q extends { where(expression: Expression<unknown>): Q; where(...args: never[]): Q }>(
  query: Q,
  filter: TesterSearch,
): Q {
  let filtered = query;
  if (filter.testerId !== undefined) filtered = filtered.where(sql`m.tester_id = ${filter.testerId}`);
  // Through beta_group_testers' primary key (group, tester), one lookup per tester of the app.
  if (filter.groupId !== undefined)
    filtered = filtered.where(
      sql`exists (select 1 from beta_group_testers gt where gt.group_id = ${filter.groupId} and gt.tester_id = m.tester_id)`,
    );
  const search = filter.search?.trim() ?? '';
  if (search !== '') {
    const pattern = `%${asciiLowerCase(search).replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    filtered = filtered.where(
      sql`(${NAME} like ${pattern} escape '\\' or lower(t.email) like ${pattern} escape '\\')`,
    );
  }
  return filtered;
}

/** "first last", lowercased as SQL's lower() does on both backends here: ASCII letters only. */
const NAME = sql`lower(coalesce(t.first_name, '') || ' ' || coalesce(t.last_name, ''))`;

function asciiLowerCase(text: string): string {
  return text.replace(/[A-Z]/g, (letter) => letter.toLowerCase());
}

function sortExpression(sort: TesterSortKey, lastDay: CalendarDay): RawBuilder<unknown> {
  switch (sort) {
    case 'name':
      return NAME;
    case 'email':
      return sql`t.email_key`;
    case 'state':
      return sql`m.state`;
    case 'sessions':
      return sql`coalesce(s.sessions, 0)`;
    case 'crashes':
      return sql`coalesce(s.crashes, 0)`;
    case 'feedback':
      return sql`coalesce(s.feedback, 0)`;
    case 'crashRate':
      return sql`case when coalesce(s.sessions, 0) = 0 then -1 else coalesce(s.crashes, 0) * 1.0 / s.sessions end`;
    case 'lastSeen':
      // The backends order nulls differently: '' sorts before every day on both.
      return sql`coalesce((select max(d.day) from usage_daily d where d.app_id = m.app_id and d.tester_id = m.tester_id and d.day <= ${lastDay}), '')`;
  }
}

/** The last day up to `lastDay` with any rollup row, for each of `testerIds` that has one. */
async function lastSeenDays(
  db: Kysely<Database>,
  appId: string,
  testerIds: readonly string[],
  lastDay: CalendarDay,
): Promise<Map<string, CalendarDay>> {
  if (testerIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('usage_daily')
    .select((eb) => ['tester_id', eb.fn.max('day').as('last')])
    .where('app_id', '=', appId)
    .where('tester_id', 'in', [...testerIds])
    .where('day', '<=', lastDay)
    .groupBy('tester_id')
    .execute();
  return new Map(rows.map((row) => [row.tester_id, row.last]));
}
