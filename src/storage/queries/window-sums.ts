import type { Expression, QueryCreator, SqlBool } from 'kysely';
import type { CalendarDay } from '../../domain/calendar-day.js';
import { type MonthSplit, splitByMonths } from '../../domain/month-split.js';
import { sql } from '../kysely.js';
import type { Database } from '../schema.js';

/*
 * The dashboard's sums are summed as sumUsageByTester sums them (domain/month-split.ts: whole months
 * from usage_monthly, plus and minus runs of days from usage_daily), but inside one statement, so the database
 * sorts and pages the testers and only one page ever leaves it.
 */

/**
 * Per tester of `appId`, the sums over `firstDay`..`lastDay`: of testers with rollup rows (of those `testers`
 * accepts only, when given: a condition on the column it is given), and with `members` of more testers too
 * (with zeros): `app`, every tester of the app; `page`, the testers of a common table expression named `page`
 * of the caller's statement (usage.ts, readUsagePage). Folding the members in here, rather than joining them
 * to this result, leaves the database no join between two derived row sets: on PostgreSQL with stale
 * statistics (just after a bulk load) such a join became a nested loop over both, 4 s instead of 60 ms; and
 * SQLite built an index on the sums to join them, 0.2 ms of a page's 1.9.
 */
export function windowSums(
  db: QueryCreator<Database>,
  appId: string,
  firstDay: CalendarDay,
  lastDay: CalendarDay,
  options: {
    readonly members?: 'app' | 'page';
    readonly testers?: (column: 'tester_id') => Expression<SqlBool>;
    /** `splitByMonths(firstDay, lastDay)`, when the caller has it (a statement compiled per shape: usage.ts). */
    readonly split?: MonthSplit;
  } = {},
) {
  const { members, testers } = options;
  const split = options.split ?? splitByMonths(firstDay, lastDay);
  // Each part sums its own rows per tester (read in the key's order, so without a sort), leaving the outer sum
  // a few rows per tester: SQLite otherwise sorted every rollup row of the page in a temporary B-tree (a page
  // of 200 testers over P365D: 1.5 ms for the statement, 1.2 ms so; docs/architecture.md, "Cold pages").
  const days = (first: CalendarDay, last: CalendarDay, sign: 1 | -1) =>
    db
      .selectFrom('usage_daily')
      .select([
        'tester_id',
        sql<number>`sum(session_count) * ${sql.lit(sign)}`.as('sessions'),
        sql<number>`sum(crash_count) * ${sql.lit(sign)}`.as('crashes'),
        sql<number>`sum(feedback_count) * ${sql.lit(sign)}`.as('feedback'),
      ])
      .where('app_id', '=', appId)
      .where((eb) => (testers === undefined ? eb.lit(true) : testers('tester_id')))
      .where('day', '>=', first)
      .where('day', '<=', last)
      .groupBy('tester_id');
  const zeros = [sql<number>`0`.as('sessions'), sql<number>`0`.as('crashes'), sql<number>`0`.as('feedback')];
  const parts = [
    ...(members === 'app'
      ? [
          db
            .selectFrom('app_testers')
            .select(['tester_id', ...zeros])
            .where('app_id', '=', appId),
        ]
      : []),

    ...(split.months === undefined
      ? []
      : [
          db
            .selectFrom('usage_monthly')
            .select([
              'tester_id',
              sql<number>`sum(session_count)`.as('sessions'),
              sql<number>`sum(crash_count)`.as('crashes'),
              sql<number>`sum(feedback_count)`.as('feedback'),
            ])
            .where('app_id', '=', appId)
            .where((eb) => (testers === undefined ? eb.lit(true) : testers('tester_id')))
            .where('month', '>=', split.months.first)
            .where('month', '<=', split.months.last)
            .groupBy('tester_id'),
        ]),
    ...split.plus.map(([first, last]) => days(first, last, 1)),
    ...split.minus.map(([first, last]) => days(first, last, -1)),
  ];
  const [head, ...rest] = parts;
  // A window always covers at least one day, so the split always reads something.
  const summed =
    head === undefined ? days(firstDay, lastDay, 1) : rest.reduce((all, part) => all.unionAll(part), head);
  // The caller's `page`, unknown to the builder's types, as text (its columns take the first part's names).
  const rows =
    members === 'page'
      ? summed.unionAll(
          sql<{ tester_id: string; sessions: number; crashes: number; feedback: number }>`
            select tester_id, 0, 0, 0 from page`,
        )
      : summed;
  return db
    .selectFrom(rows.as('u'))
    .select((eb) => [
      'u.tester_id',
      eb.fn.sum<number>('u.sessions').as('sessions'),
      eb.fn.sum<number>('u.crashes').as('crashes'),
      eb.fn.sum<number>('u.feedback').as('feedback'),
    ])
    .groupBy('u.tester_id');
}
