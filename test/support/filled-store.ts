import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import sharp from 'sharp';
import { fixedClock, systemClock } from '../../src/domain/clock.js';
import type { CreatedApiKey } from '../../src/services/api-keys.js';
import { DEMO_REPORT_TIME, PAGE_APP, SECOND_APP } from '../../src/services/demo/demo-fixture.js';
import { loadDemoData } from '../../src/services/demo/load-demo.js';
import type { CreatedIngestKey } from '../../src/services/ingest-keys.js';
import { createServices, type Services } from '../../src/services/services.js';
import { openStore, type StoreLocation } from '../../src/storage/open-store.js';
import type { Store } from '../../src/storage/store.js';

/** Every table of a store, named here rather than taken from the code under test. */
export const ALL_TABLES = [
  'apps',
  'beta_testers',
  'app_testers',
  'beta_groups',
  'beta_group_testers',
  'pre_release_versions',
  'builds',
  'build_beta_details',
  'beta_group_builds',
  'build_individual_testers',
  'beta_crash_logs',
  'beta_feedback_screenshot_submissions',
  'beta_feedback_crash_submissions',
  'content_blobs',
  'feedback_screenshot_contents',
  'api_keys',
  'usage_events',
  'usage_daily',
  'usage_monthly',
  'public_link_daily',
  'usage_build_daily',
  'app_data_versions',
  'settings',
  'ingest_keys',
  'ingest_stats',
  'ingest_rejections',
  'rate_limit_counts',
  'dashboard_login_links',
  'dashboard_sessions',
] as const;

/** What fillStore made that a test needs again: the secrets are not in the store. */
export interface FilledStore {
  /** A live ADMIN team key, with its private key. */
  readonly apiKey: CreatedApiKey;
  /** A live ingest key of the page's app, and a revoked one. */
  readonly ingestKey: CreatedIngestKey;
  readonly revokedIngestKey: CreatedIngestKey;
  /** The minute (since the epoch) `apiKey` made its counted requests in. */
  readonly requestMinute: number;
}

/** Services over `store` with the demo's report date, as the metrics tests use them. */
export function demoServices(store: Store): Promise<Services> {
  return createServices(store, { clock: systemClock, reportClock: fixedClock(DEMO_REPORT_TIME) });
}

/**
 * A store with rows in every table: the demo (entities, events, rollups, ingestion counters, settings), API
 * keys and ingest keys (one of each revoked), refusals with their reasons, request counts, and a dashboard
 * session with a sign-in link.
 */
export async function fillStore(location: StoreLocation): Promise<FilledStore> {
  const store = await openStore(location);
  try {
    await loadDemoData(store);
    const services = await demoServices(store);
    const apiKey = await services.apiKeys.create({ name: 'Copied', role: 'ADMIN' });
    const revokedApiKey = await services.apiKeys.create({
      name: 'Revoked',
      role: 'DEVELOPER',
      individual: true,
    });
    await services.apiKeys.revoke(revokedApiKey.keyId);
    await services.apiKeys.create({ name: 'Testing', role: 'DEVELOPER', testing: true });
    const ingestKey = await services.ingestKeys.create(PAGE_APP.id);
    const revokedIngestKey = await services.ingestKeys.create(SECOND_APP.id);
    await services.ingestKeys.revoke(revokedIngestKey.id);
    await services.ingestion.recordRefusedBatch(PAGE_APP.id, 2, [
      {
        code: 'ENTITY_ERROR.ATTRIBUTE.INVALID',
        detail: 'type must be one of ...',
        event: 0,
        field: 'type',
      },
      {
        code: 'ENTITY_ERROR.ATTRIBUTE.REQUIRED',
        detail: 'id is required',
        event: 1,
        field: 'id',
      },
    ]);
    // A public-link event of the demo's public group (rollup public_link_daily, 0009).
    await store.appendUsageEvents([
      {
        id: 'filled-public-link-view',
        appId: PAGE_APP.id,
        testerId: '',
        type: 'publicLinkView',
        occurredAt: DEMO_REPORT_TIME.toISOString(),
        receivedAt: DEMO_REPORT_TIME.toISOString(),
        groupId: `${PAGE_APP.id}-public`,
      },
    ]);
    await fillContent(store, services);
    // A dashboard session, and a sign-in link not used yet.
    const link = await services.dashboardSessions.createLoginLink();
    await services.dashboardSessions.signIn(link.token);
    await services.dashboardSessions.createLoginLink();
    const requestMinute = Math.floor(Date.now() / 60_000);
    for (const minute of [requestMinute - 1, requestMinute, requestMinute])
      await store.countRequests(apiKey.keyId, minute, 60, 3600, 1);
    return { apiKey, ingestKey, revokedIngestKey, requestMinute };
  } finally {
    await store.close();
  }
}

/** The PNG fillStore uploads for the page's app: 16×9 pixels. */
export const FILLED_SCREENSHOT = await sharp({
  create: { width: 16, height: 9, channels: 3, background: '#3a6' },
})
  .png()
  .toBuffer();

/**
 * An uploaded screenshot (content_blobs) of the page's app, and a feedback event naming it, which makes a
 * submission that names it (feedback_screenshot_contents).
 */
async function fillContent(store: Store, services: Services): Promise<void> {
  const upload = await services.screenshotUploads.upload(PAGE_APP.id, FILLED_SCREENSHOT);
  const [testerId] = await store.listInstalledTesterIds(PAGE_APP.id, {}, { limit: 1 });
  if (testerId === undefined) throw new Error('the demo has no installed tester');
  await store.appendUsageEvents([
    {
      id: 'filled-feedback-with-screenshot',
      appId: PAGE_APP.id,
      testerId,
      type: 'feedback',
      occurredAt: DEMO_REPORT_TIME.toISOString(),
      receivedAt: DEMO_REPORT_TIME.toISOString(),
      content: {
        comment: 'Filled',
        screenshots: [
          { sha256: upload.id, mediaType: upload.mediaType, width: upload.width, height: upload.height },
        ],
      },
    },
  ]);
}

/** Rows per table, counted with the database's own driver, not with the code under test. */
export async function tableRowCounts(location: StoreLocation): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  if ('databaseUrl' in location) {
    const client = new pg.Client({ connectionString: location.databaseUrl });
    await client.connect();
    try {
      for (const table of ALL_TABLES) {
        const result = await client.query<{ n: string }>(`select count(*) as n from ${table}`);
        counts[table] = Number(result.rows[0]?.n);
      }
    } finally {
      await client.end();
    }
    return counts;
  }
  const db = new Database(join(resolve(location.dataDir), 'beta-metrics.db'), { readonly: true });
  try {
    for (const table of ALL_TABLES) {
      counts[table] = (db.prepare(`select count(*) as n from ${table}`).get() as { n: number }).n;
    }
  } finally {
    db.close();
  }
  return counts;
}

/**
 * Makes a PostgreSQL store drop every row inserted into `table` without a word (a trigger returning null), as
 * a misconfigured target might: a copy into it can only find out by counting.
 */
export async function dropInsertsInto(
  databaseUrl: string,
  table: (typeof ALL_TABLES)[number],
): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query(
      'create function drop_the_row() returns trigger language plpgsql as $$ begin return null; end $$',
    );
    await client.query(
      `create trigger drop_inserts before insert on ${table} for each row execute function drop_the_row()`,
    );
  } finally {
    await client.end();
  }
}

/** Every row of every table, each table's rows sorted, read with the database's own driver (as tableRowCounts). */
export async function tableRows(location: StoreLocation): Promise<Record<string, unknown[]>> {
  const rows: Record<string, unknown[]> = {};
  const sorted = (list: unknown[]) =>
    list
      .map((row) => JSON.stringify(row))
      .sort()
      .map((text) => JSON.parse(text) as unknown);
  if ('databaseUrl' in location) {
    const client = new pg.Client({ connectionString: location.databaseUrl });
    await client.connect();
    try {
      for (const table of ALL_TABLES)
        rows[table] = sorted((await client.query(`select * from ${table}`)).rows);
    } finally {
      await client.end();
    }
    return rows;
  }
  const db = new Database(join(resolve(location.dataDir), 'beta-metrics.db'), { readonly: true });
  try {
    for (const table of ALL_TABLES) rows[table] = sorted(db.prepare(`select * from ${table}`).all());
  } finally {
    db.close();
  }
  return rows;
}
