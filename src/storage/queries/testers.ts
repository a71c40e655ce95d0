import type { Kysely, Selectable } from 'kysely';
import type { TesterState } from '../../domain/tester-state.js';
import type { BetaTestersTable, Database } from '../schema.js';
import type {
  AppDevice,
  MembershipRecord,
  TesterChanges,
  TesterFilter,
  TesterRecord,
  TesterWithStates,
} from '../../domain/records/tester.js';
import type { RowWindow } from '../../domain/row-window.js';
import { applyWindow, chunksFor, toCount } from './row-window.js';
import { fromJson, jsonOrNull } from './stored-values.js';

export async function insertTesters(
  db: Kysely<Database>,
  testers: readonly TesterRecord[],
  maxParameters: number,
): Promise<void> {
  for (const chunk of chunksFor(testers, 8, maxParameters)) {
    await db
      .insertInto('beta_testers')
      .values(
        chunk.map((tester) => ({
          id: tester.id,
          email: tester.email,
          email_key: tester.email.toLowerCase(),
          first_name: tester.firstName,
          last_name: tester.lastName,
          invite_type: tester.inviteType,
          created_at: tester.createdAt,
          app_devices: jsonOrNull(tester.appDevices) ?? null,
        })),
      )
      .execute();
  }
}

export async function insertMemberships(
  db: Kysely<Database>,
  memberships: readonly MembershipRecord[],
  maxParameters: number,
): Promise<void> {
  for (const chunk of chunksFor(memberships, 5, maxParameters)) {
    await db
      .insertInto('app_testers')
      .values(
        chunk.map((membership) => ({
          app_id: membership.appId,
          tester_id: membership.testerId,
          state: membership.state,
          invited_at: membership.invitedAt,
          installed_at: membership.state === 'INSTALLED' ? membership.invitedAt : null,
        })),
      )
      .execute();
  }
}

/** The first of `ids` with no row in `table`, if any. */
export async function firstMissing(
  db: Kysely<Database>,
  table: 'apps' | 'beta_testers' | 'builds' | 'beta_groups' | 'pre_release_versions',
  ids: readonly string[],
): Promise<string | undefined> {
  const wanted = [...new Set(ids)];
  const found = new Set<string>();
  for (const chunk of chunksFor(wanted, 1, 10_000)) {
    const rows = await db.selectFrom(table).select('id').where('id', 'in', chunk).execute();
    for (const row of rows) found.add(row.id);
  }
  return wanted.find((id) => !found.has(id));
}

export async function findTester(db: Kysely<Database>, id: string): Promise<TesterWithStates | undefined> {
  const [tester] = await listTesters(db, { ids: [id] }, { limit: 1 });
  return tester;
}

export async function listTesters(
  db: Kysely<Database>,
  filter: TesterFilter,
  window: RowWindow,
): Promise<TesterWithStates[]> {
  const rows = await applyWindow(
    filtered(db, filter).selectAll('beta_testers'),
    'beta_testers.id',
    window,
  ).execute();
  if (rows.length === 0) return [];
  const memberships = await db
    .selectFrom('app_testers')
    .select(['tester_id', 'app_id', 'state'])
    .where(
      'tester_id',
      'in',
      rows.map((row) => row.id),
    )
    .orderBy('app_id')
    .execute();
  const appsByTester = new Map<string, Array<{ appId: string; state: TesterState }>>();
  for (const membership of memberships) {
    const apps = appsByTester.get(membership.tester_id) ?? [];
    apps.push({ appId: membership.app_id, state: membership.state as TesterState });
    appsByTester.set(membership.tester_id, apps);
  }
  return rows.map((row) => ({ ...toTesterRecord(row), apps: appsByTester.get(row.id) ?? [] }));
}

export async function countTesters(db: Kysely<Database>, filter: TesterFilter): Promise<number> {
  const row = await filtered(db, filter)
    .select((eb) => eb.fn.countAll().as('n'))
    .executeTakeFirst();
  return toCount(row?.n);
}

function filtered(db: Kysely<Database>, filter: TesterFilter) {
  let query = db.selectFrom('beta_testers');
  if (filter.ids) query = query.where('beta_testers.id', 'in', [...filter.ids]);
  if (filter.emails) {
    query = query.where(
      'email_key',
      'in',
      filter.emails.map((email) => email.toLowerCase()),
    );
  }
  const appIds = filter.appIds;
  if (appIds) {
    query = query.where('beta_testers.id', 'in', (eb) =>
      eb
        .selectFrom('app_testers')
        .select('app_testers.tester_id')
        .where('app_testers.app_id', 'in', [...appIds]),
    );
  }
  return query;
}

function toTesterRecord(row: Selectable<BetaTestersTable>): TesterRecord {
  return {
    id: row.id,
    email: row.email,
    firstName: row.first_name,
    lastName: row.last_name,
    inviteType: row.invite_type as TesterRecord['inviteType'],
    createdAt: row.created_at,
    appDevices: fromJson<AppDevice[]>(row.app_devices),
  };
}

/** Changes a tester's names and devices; false when there is no such tester. */
export async function updateTester(
  db: Kysely<Database>,
  id: string,
  changes: TesterChanges,
): Promise<boolean> {
  const columns = Object.fromEntries(
    Object.entries({
      first_name: changes.firstName,
      last_name: changes.lastName,
      app_devices: jsonOrNull(changes.appDevices),
    }).filter(([, value]) => value !== undefined),
  );
  if (Object.keys(columns).length === 0) return (await findTester(db, id)) !== undefined;
  const result = await db.updateTable('beta_testers').set(columns).where('id', '=', id).executeTakeFirst();
  return result.numUpdatedRows > 0n;
}
