import type { Insertable, Kysely } from 'kysely';
import type { StoreLocation } from '../../src/storage/open-store.js';
import { openPostgresDatabase } from '../../src/storage/postgres/connection.js';
import type { Database } from '../../src/storage/schema.js';
import { openSqliteDatabase } from '../../src/storage/sqlite/connection.js';

/**
 * A small TestFlight world with every resource type and every relationship of the slice, written straight into
 * the store's tables (migration 0008) over a connection of its own: the reads are what the tests prove, so the
 * data does not come through code of ours. Values follow Apple's schemas (enums, formats), so every body built
 * from them validates against the spec; some are left absent or tie on purpose, for the sort and filter tests.
 *
 * Apps a1, a2, a3 (a3 has nothing). Testers t1..t4 (t4 in no app). Groups g1, g2 (a1), g3 (a2). Pre-release
 * versions p1, p2 (a1), p3 (a2). Builds b1, b2, b3 (a1), b4 (a2, no pre-release version). Build beta details
 * for b1 and b2 (under the build's id). Crash log cl1; crash submissions cs1, cs2; screenshot ss1, ss2.
 */
export const FIXTURE = {
  apps: ['a1', 'a2', 'a3'],
  betaTesters: ['t1', 't2', 't3', 't4'],
  betaGroups: ['g1', 'g2', 'g3'],
  preReleaseVersions: ['p1', 'p2', 'p3'],
  builds: ['b1', 'b2', 'b3', 'b4'],
  buildBetaDetails: ['b1', 'b2'],
  betaCrashLogs: ['cl1'],
  betaFeedbackCrashSubmissions: ['cs1', 'cs2'],
  betaFeedbackScreenshotSubmissions: ['ss1', 'ss2'],
} as const;

/** Opens a second connection on the store at `location`, writes the fixture, and closes it. */
export async function seedTestflightFixture(location: StoreLocation): Promise<void> {
  const db = await openFixtureDb(location);
  try {
    await writeFixture(db);
  } finally {
    await db.destroy();
  }
}

async function openFixtureDb(location: StoreLocation): Promise<Kysely<Database>> {
  if ('dataDir' in location) return openSqliteDatabase(location.dataDir);
  return (await openPostgresDatabase({ ...location, poolSize: 1 })).db;
}

const CREATED = '2023-01-01T00:00:00.000Z';

/**
 * Rows one by one: a multi-row insert gives a column one row leaves out NULL on SQLite (it has no DEFAULT in
 * VALUES), where each row should get the column's default.
 */
async function insertEach<T extends keyof Database>(
  db: Kysely<Database>,
  table: T,
  rows: ReadonlyArray<Insertable<Database[T]>>,
): Promise<void> {
  for (const row of rows)
    await db
      .insertInto(table)
      .values(row as never)
      .execute();
}

async function writeFixture(db: Kysely<Database>): Promise<void> {
  await insertEach(db, 'apps', [
    {
      id: 'a1',
      name: 'Alpha',
      bundle_id: 'com.example.alpha',
      sku: 'SKU1',
      primary_locale: 'en-US',
      created_at: CREATED,
      accessibility_url: 'https://example.com/a11y',
      is_or_ever_was_made_for_kids: 1,
      subscription_status_url: 'https://example.com/status',
      subscription_status_url_version: 'V2',
      content_rights_declaration: 'DOES_NOT_USE_THIRD_PARTY_CONTENT',
      streamlined_purchasing_enabled: 1,
    },
    {
      id: 'a2',
      name: 'Beta',
      bundle_id: 'com.example.beta',
      sku: 'SKU2',
      primary_locale: 'de-DE',
      created_at: CREATED,
    },
    {
      id: 'a3',
      name: 'Alpha',
      bundle_id: 'com.example.gamma',
      sku: 'SKU3',
      primary_locale: 'en-US',
      created_at: CREATED,
    },
  ]);

  const tester = (id: string, email: string, first: string | null, last: string | null) => ({
    id,
    email,
    email_key: email.toLowerCase(),
    first_name: first,
    last_name: last,
    invite_type: 'EMAIL',
    created_at: CREATED,
    app_devices: null as string | null,
  });
  await insertEach(db, 'beta_testers', [
    {
      ...tester('t1', 'Ada@Example.com', 'Ada', 'Lovelace'),
      app_devices: JSON.stringify([
        { model: 'iPhone15,2', platform: 'IOS', osVersion: '17.0', appBuildVersion: '1' },
      ]),
    },
    tester('t2', 'grace@example.com', 'Grace', 'Hopper'),
    { ...tester('t3', 'alan@example.com', null, 'Turing'), invite_type: 'PUBLIC_LINK' },
    tester('t4', 'edsger@example.com', 'Edsger', 'Dijkstra'),
  ]);
  await insertEach(db, 'app_testers', [
    { app_id: 'a1', tester_id: 't1', state: 'INSTALLED', invited_at: CREATED, installed_at: CREATED },
    { app_id: 'a1', tester_id: 't2', state: 'INVITED', invited_at: CREATED, installed_at: null },
    { app_id: 'a1', tester_id: 't3', state: 'ACCEPTED', invited_at: CREATED, installed_at: null },
    { app_id: 'a2', tester_id: 't1', state: 'INVITED', invited_at: CREATED, installed_at: null },
  ]);

  const group = (id: string, app: string, name: string, internal: number, created: string) => ({
    id,
    app_id: app,
    name,
    // What the store keeps a group's name unique by within its app (migration 0010), as it writes it.
    name_key: name.toLowerCase(),
    is_internal: internal,
    created_at: created,
  });
  await insertEach(db, 'beta_groups', [
    {
      ...group('g1', 'a1', 'External', 0, '2023-02-01T00:00:00.000Z'),
      public_link_enabled: 1,
      public_link_id: 'abcd1234',
      public_link_limit_enabled: 1,
      public_link_limit: 10,
      public_link: 'https://testflight.apple.com/join/abcd1234',
    },
    { ...group('g2', 'a1', 'Internal', 1, '2023-03-01T00:00:00.000Z'), has_access_to_all_builds: 1 },
    { ...group('g3', 'a2', 'External', 0, '2023-02-01T00:00:00.000Z'), feedback_enabled: 0 },
  ]);
  await insertEach(db, 'beta_group_testers', [
    { group_id: 'g1', tester_id: 't1' },
    { group_id: 'g1', tester_id: 't2' },
    { group_id: 'g2', tester_id: 't1' },
  ]);

  await insertEach(db, 'pre_release_versions', [
    { id: 'p1', app_id: 'a1', version: '1.0', platform: 'IOS' },
    { id: 'p2', app_id: 'a1', version: '1.1', platform: 'IOS' },
    { id: 'p3', app_id: 'a2', version: '2.0', platform: 'MAC_OS' },
  ]);

  const build = (id: string, app: string, version: string, uploaded: string, prerelease: string | null) => ({
    id,
    app_id: app,
    version,
    uploaded_at: uploaded,
    pre_release_version_id: prerelease,
  });
  await insertEach(db, 'builds', [
    {
      ...build('b1', 'a1', '1', '2023-09-01T00:00:00.000Z', 'p1'),
      expiration_date: '2023-11-30T00:00:00.000Z',
      min_os_version: '16.0',
      icon_asset_token: JSON.stringify({
        templateUrl: 'https://example.com/{w}x{h}.png',
        width: 1024,
        height: 1024,
      }),
      build_audience_type: 'APP_STORE_ELIGIBLE',
      uses_non_exempt_encryption: 0,
    },
    { ...build('b2', 'a1', '2', '2023-09-15T00:00:00.000Z', 'p2'), expired: 1, processing_state: 'VALID' },
    { ...build('b3', 'a1', '3', '2023-09-15T00:00:00.000Z', 'p2'), processing_state: 'PROCESSING' },
    { ...build('b4', 'a2', '1', '2023-10-01T00:00:00.000Z', null), build_audience_type: 'INTERNAL_ONLY' },
  ]);
  await insertEach(db, 'build_beta_details', [
    {
      id: 'b1',
      build_id: 'b1',
      auto_notify_enabled: 1,
      internal_build_state: 'IN_BETA_TESTING',
      external_build_state: 'BETA_APPROVED',
    },
    {
      id: 'b2',
      build_id: 'b2',
      internal_build_state: 'EXPIRED',
      external_build_state: 'EXPIRED',
    },
  ]);
  await insertEach(db, 'beta_group_builds', [
    { group_id: 'g1', build_id: 'b1' },
    { group_id: 'g1', build_id: 'b2' },
    { group_id: 'g2', build_id: 'b1' },
  ]);
  await insertEach(db, 'build_individual_testers', [
    { build_id: 'b1', tester_id: 't3' },
    { build_id: 'b2', tester_id: 't3' },
    { build_id: 'b2', tester_id: 't1' },
  ]);

  await db
    .insertInto('beta_crash_logs')
    .values({ id: 'cl1', app_id: 'a1', log_text: 'Thread 0 crashed' })
    .execute();
  const feedback = (
    id: string,
    app: string,
    buildId: string | null,
    testerId: string | null,
    created: string,
  ) => ({
    id,
    app_id: app,
    build_id: buildId,
    tester_id: testerId,
    created_date: created,
    comment: `comment ${id}`,
    email: testerId === null ? null : `${testerId}@example.com`,
    device_model: 'iPhone15,2',
    os_version: '17.0',
    locale: 'en-US',
    time_zone: 'Europe/Berlin',
    architecture: 'arm64e',
    connection_type: 'WIFI',
    paired_apple_watch: null,
    app_uptime_in_milliseconds: 120_000,
    disk_bytes_available: 1_000_000,
    disk_bytes_total: 64_000_000,
    battery_percentage: 80,
    screen_width_in_points: 393,
    screen_height_in_points: 852,
    app_platform: 'IOS',
    device_platform: 'IOS',
    device_family: 'IPHONE',
    build_bundle_id: 'com.example.alpha',
  });
  await insertEach(db, 'beta_feedback_crash_submissions', [
    { ...feedback('cs1', 'a1', 'b1', 't1', '2023-10-01T10:00:00.000Z'), crash_log_id: 'cl1' },
    { ...feedback('cs2', 'a1', 'b2', 't2', '2023-10-02T10:00:00.000Z'), crash_log_id: null },
  ]);
  await insertEach(db, 'beta_feedback_screenshot_submissions', [
    {
      ...feedback('ss1', 'a1', 'b1', 't1', '2023-10-03T10:00:00.000Z'),
      screenshots: JSON.stringify([
        {
          url: 'https://example.com/s.png',
          width: 393,
          height: 852,
          expirationDate: '2023-11-01T00:00:00Z',
        },
      ]),
    },
    { ...feedback('ss2', 'a2', 'b4', null, '2023-10-04T10:00:00.000Z'), device_family: 'IPAD' },
  ]);
}
