import type { Kysely, QueryCreator, SqlBool } from 'kysely';
import type { CalendarDay } from '../../domain/calendar-day.js';
import { type MonthSplit, splitByMonths } from '../../domain/month-split.js';
import type { RowWindow } from '../../domain/row-window.js';
import type { UsageValues } from '../../domain/usage-values.js';
import type { BackendSpecifics } from '../backend-specifics.js';
import { sql } from '../kysely.js';
import type { Database } from '../schema.js';
import type { InstalledTesterFilter, KnownTotal, UsagePage, UsagePageWindow } from '../usage-store.js';
import { compiledPerShape } from './compiled-per-shape.js';
import { applyWindow, toCount } from './row-window.js';
import { windowSums } from './window-sums.js';

/** What the metrics read: an app's installed testers and their usage over a window. Writes: append-usage.ts. */

export async function listInstalledTesterIds(
  db: Kysely<Database>,
  appId: string,
  filter: InstalledTesterFilter,
  window: RowWindow,
): Promise<string[]> {
  const rows = await applyWindow(
    installed(db, appId, filter, window.afterId).select('tester_id'),
    'tester_id',
    window,
  ).execute();
  return rows.map((row) => row.tester_id);
}

export async function countInstalledTesters(
  db: Kysely<Database>,
  appId: string,
  filter: InstalledTesterFilter,
): Promise<number> {
  const row = await installedTestersCountQuery(db, appId, filter).executeTakeFirst();
  return toCount(row?.n);
}

/**
 * The app's installed testers, of the filter; `afterId`, when given, also bounds a group's members: the listing
 * after it reads both indexes (app_testers_installed, beta_group_testers_pk) from there, where a merge join of
 * members from the group's first read every member before the page.
 */
function installed(
  db: QueryCreator<Database>,
  appId: string,
  filter: InstalledTesterFilter,
  afterId?: string,
) {
  let query = db.selectFrom('app_testers').where('app_id', '=', appId).where('installed_at', 'is not', null);
  if (filter.testerId !== undefined) query = query.where('tester_id', '=', filter.testerId);
  if (filter.groupId !== undefined) {
    const groupId = filter.groupId;
    query = query.where('tester_id', 'in', (eb) => {
      const members = eb
        .selectFrom('beta_group_testers')
        .select('beta_group_testers.tester_id')
        .where('group_id', '=', groupId);
      return afterId === undefined ? members : members.where('beta_group_testers.tester_id', '>', afterId);
    });
  }
  return query;
}

/** The query of `meta.paging.total`: the app's installed testers, from their memberships alone. */
export function installedTestersCountQuery(
  db: Kysely<Database>,
  appId: string,
  filter: InstalledTesterFilter,
) {
  return installed(db, appId, filter).select((eb) => eb.fn.countAll().as('n'));
}

/**
 * Usage per tester of `testerIds` over `firstDay`..`lastDay`, in one statement (window-sums.ts, the same sums
 * the dashboard sorts by): months from the monthly rollup, plus or minus runs of days from the daily one
 * (domain/month-split.ts). A year is about a dozen monthly rows and at most about a month of daily rows per
 * tester, whatever the builds. Testers without usage in the window are absent.
 */
export async function sumUsageByTester(
  db: Kysely<Database>,
  oneOf: BackendSpecifics['oneOf'],
  appId: string,
  testerIds: readonly string[],
  firstDay: CalendarDay,
  lastDay: CalendarDay,
): Promise<Map<string, UsageValues>> {
  const sums = new Map<string, UsageValues>();
  if (testerIds.length === 0) return sums;
  const rows = await windowSums(db, appId, firstDay, lastDay, {
    testers: (column) => oneOf(column, testerIds),
  }).execute();
  for (const row of rows) {
    const values = {
      crashCount: toCount(row.crashes),
      sessionCount: toCount(row.sessions),
      feedbackCount: toCount(row.feedback),
    };
    // A tester whose only usage in the months lies outside the window sums to zero: as absent as one without any.
    if (values.crashCount === 0 && values.sessionCount === 0 && values.feedbackCount === 0) continue;
    sums.set(row.tester_id, values);
  }
  return sums;
}

/**
 * The ids of a window of the listing, in id order. A group's are its members in their index's order, each looked
 * up among the app's installed testers, so the read stops at the window's end: an IN list of the members (as
 * `installed` filters) read every member first, 0.9 ms of the 3 SQLite took for the first page of the bench's
 * group of 5,000, against 0.2 this way; as little for a small group, whose members are few. From a known tester
 * the index is read from there; an offset reads (and skips) every tester before it: on PostgreSQL 6.5 -> 4.8 ms
 * for the statement of a page at 5,000 (docs/architecture.md, "Where a cursor points").
 */
function windowTesters(
  qb: QueryCreator<Database>,
  appId: string,
  filter: InstalledTesterFilter,
  window: UsagePageWindow,
) {
  const { groupId, testerId } = filter;
  if (groupId === undefined) {
    const page = installed(qb, appId, filter).select('tester_id').orderBy('tester_id').limit(window.limit);
    return window.fromId === undefined
      ? page.offset(window.offset)
      : page.where('app_testers.tester_id', '>=', window.fromId);
  }
  let page = qb
    .selectFrom('beta_group_testers as members')
    .innerJoin('app_testers', (join) =>
      join
        .onRef('app_testers.tester_id', '=', 'members.tester_id')
        .on('app_testers.app_id', '=', appId)
        .on('app_testers.installed_at', 'is not', null),
    )
    .where('members.group_id', '=', groupId)
    .select('members.tester_id')
    .orderBy('members.tester_id')
    .limit(window.limit);
  if (testerId !== undefined) page = page.where('members.tester_id', '=', testerId);
  return window.fromId === undefined
    ? page.offset(window.offset)
    : page.where('members.tester_id', '>=', window.fromId);
}

/**
 * What a page's statement is built from (pageStatement): every value it binds, so that it is compiled once per
 * shape (compiled-per-shape.ts). Numbers as the statement compares them: the known listing version as a number.
 * The shapes are few whatever clients ask: four filters, an offset or a tester, a known total or not, and a
 * window's split into at most one run of months and two runs of days added or taken away.
 */
type PageInput = {
  readonly appId: string;
  readonly groupId: string | undefined;
  readonly testerId: string | undefined;
  readonly offset: number;
  readonly limit: number;
  readonly fromId: string | undefined;
  readonly firstDay: CalendarDay;
  readonly lastDay: CalendarDay;
  readonly split: MonthSplit;
  readonly known: { readonly listingVersion: number; readonly total: number } | undefined;
};

/**
 * The window's testers (read in the index's order) with their sums (window-sums.ts: over the window's testers
 * only, each folded in with zeros so every one has a row), the listing's total and the app's data version
 * (subqueries that do not depend on the row, so computed once), in one statement (UsageReads.readUsagePage).
 * Not a window count for the total: SQLite then gathered and sorted every tester of the app before the page
 * (6.6 ms instead of 2.6 for the reads apart).
 */
const pageStatement = compiledPerShape((db: Kysely<Database>, input: PageInput) => {
  const { appId, known } = input;
  const filter = { groupId: input.groupId, testerId: input.testerId };
  const window = { offset: input.offset, limit: input.limit, fromId: input.fromId };
  const versions = () =>
    db
      .selectFrom('apps')
      .leftJoin('app_data_versions', 'app_data_versions.app_id', 'apps.id')
      .where('apps.id', '=', appId);
  const version = versions().select(sql<number | string>`coalesce(app_data_versions.version, 0)`.as('v'));
  const listingVersion = versions().select(
    sql<number | string>`coalesce(app_data_versions.listing_version, 0)`.as('l'),
  );
  const count = installedTestersCountQuery(db, appId, filter);
  // Both databases evaluate a CASE's branches only as chosen, and a subquery only when evaluated: the count is
  // not run when the app's listings are still at the version the known total was counted at.
  const total =
    known === undefined
      ? count
      : sql<
          number | string
        >`case when ${listingVersion} = ${known.listingVersion} then ${known.total} else ${count} end`;
  const sums = windowSums(db, appId, input.firstDay, input.lastDay, {
    members: 'page',
    testers: (column) => sql<SqlBool>`${sql.ref(column)} in (select tester_id from page)`,
    split: input.split,
  });
  return db
    .with('page', (qb) => windowTesters(qb, appId, filter, window))
    .selectFrom(sums.as('sums'))
    .select([
      'sums.tester_id',
      'sums.sessions',
      'sums.crashes',
      'sums.feedback',
      total.as('total'),
      version.as('version'),
      listingVersion.as('listing_version'),
    ])
    .orderBy('sums.tester_id');
});

export async function readUsagePage(
  db: Kysely<Database>,
  appId: string,
  filter: InstalledTesterFilter,
  window: UsagePageWindow,
  firstDay: CalendarDay,
  lastDay: CalendarDay,
  known?: KnownTotal,
): Promise<UsagePage | undefined> {
  const rows = await pageStatement(db, {
    appId,
    groupId: filter.groupId,
    testerId: filter.testerId,
    offset: window.offset,
    limit: window.limit,
    fromId: window.fromId,
    firstDay,
    lastDay,
    split: splitByMonths(firstDay, lastDay),
    known:
      known === undefined ? undefined : { listingVersion: Number(known.listingVersion), total: known.total },
  });
  const [first] = rows;
  if (first === undefined) return undefined;
  return {
    version: first.version === null ? undefined : String(first.version),
    listingVersion: String(first.listing_version ?? 0),
    total: toCount(first.total),
    rows: rows.map((row) => {
      const values = {
        crashCount: toCount(row.crashes),
        sessionCount: toCount(row.sessions),
        feedbackCount: toCount(row.feedback),
      };
      // As sumUsageByTester: a tester whose sums are all zero has no usage in the window.
      const none = values.crashCount === 0 && values.sessionCount === 0 && values.feedbackCount === 0;
      return none ? { testerId: row.tester_id } : { testerId: row.tester_id, values };
    }),
  };
}
