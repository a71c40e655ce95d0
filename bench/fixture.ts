import { randomUUID } from 'node:crypto';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { fixedClock, systemClock } from '../src/domain/clock.js';
import type { CreatedApiKey } from '../src/services/api-keys.js';
import { createServices } from '../src/services/services.js';
import { signToken } from '../src/services/token-signer.js';
import { openStore } from '../src/storage/open-store.js';
import { send } from './http-client.js';
import type { BenchStore } from './options.js';
import { prepareSiblings } from './siblings.js';
import { BENCH_APP, REPORT_DAY, REPORT_TIME, referenceWorkload, WORKLOAD_SETTING } from './workload.js';

/** The app the ingestion figures write to, so the reference app's data stays as generated. */
export const INGEST_APP = {
  ...BENCH_APP,
  id: '1650000001',
  name: 'Benchmark ingestion',
  bundleId: 'com.example.benchmark.ingest',
  sku: 'BENCH-INGEST',
};

/** The build number the ingestion figures' events name (ingest-load.ts). */
export const INGEST_BUILD = '152';

/** What a run needs from the store: keys with their secrets, and the testers events may name. */
export interface Fixture {
  readonly apiKey: CreatedApiKey;
  /** Ingest keys of the reference app (cache-invalidating writes) and of the ingestion app. */
  readonly referenceIngestKey: string;
  readonly ingestAppKey: string;
  readonly testerIds: readonly string[];
  readonly events: number;
  token(): Promise<string>;
}

/**
 * Checks the store holds the reference workload, brings its schema up to date, removes what an interrupted
 * run left, and creates the app, testers and keys of this run.
 */
export async function prepareFixture(target: BenchStore, options: { migrate: boolean }): Promise<Fixture> {
  await removeIngestApp(target);
  const store = await openStore(target.location, { migrate: options.migrate });
  try {
    const workload = await store.setting(WORKLOAD_SETTING);
    if (workload === undefined) {
      throw new Error(
        `${target.name} holds no reference workload: run 'npm run bench:data' (with the same options) first`,
      );
    }
    const services = await createServices(store, {
      clock: systemClock,
      reportClock: fixedClock(new Date(REPORT_TIME)),
    });
    const apiKey = await services.apiKeys.create({ name: 'bench', role: 'ADMIN' });
    const testerIds = referenceWorkload({
      testers: JSON.parse(workload).testers,
      days: 1,
      intensity: 1,
    }).testers.map((tester) => tester.id);
    await store.createApp(INGEST_APP);
    // The build ingest-load.ts's events name: an event naming a build its app lacks is refused.
    await store.createBuild({
      id: `${INGEST_APP.id}-build-${INGEST_BUILD}`,
      appId: INGEST_APP.id,
      version: INGEST_BUILD,
      uploadedAt: REPORT_TIME,
    });
    await store.addTestersToApps(
      testerIds.map((testerId) => ({
        appId: INGEST_APP.id,
        testerId,
        state: 'INVITED' as const,
        invitedAt: REPORT_TIME,
      })),
    );
    await prepareSiblings(store, testerIds);
    const referenceIngestKey = (await services.ingestKeys.create(BENCH_APP.id)).key;
    const ingestAppKey = (await services.ingestKeys.create(INGEST_APP.id)).key;
    await settleFixtureTables(target);
    return {
      apiKey,
      referenceIngestKey,
      ingestAppKey,
      testerIds,
      events: JSON.parse(workload).events,
      token: () =>
        signToken({
          privateKeyPem: apiKey.privateKeyPem,
          keyId: apiKey.keyId,
          ...(apiKey.issuerId !== undefined && { issuerId: apiKey.issuerId }),
          now: new Date(),
        }),
    };
  } finally {
    await store.close();
  }
}

/**
 * The tables the fixture has just rewritten (the ingestion app's testers deleted and added again, the sibling
 * endpoints' group, build and link) and the usage tables the last run's writes left dead rows in, vacuumed and
 * analyzed on PostgreSQL as autovacuum would soon after on a
 * server that runs it (this machine's does not): otherwise the planner took the group of 5,000 members for one
 * of about 20 (the statistics of before the fixture), nested-looped over all of them and sorted, and every
 * index-only scan of app_testers read the table too, whose visibility map the rewrite had cleared: the group's
 * listing ran 26 ms instead of 0.2 on a store of 10,000 testers (EXPLAIN ANALYZE, before and after).
 */
async function settleFixtureTables(target: BenchStore): Promise<void> {
  if (!('databaseUrl' in target.location)) return;
  const client = new pg.Client({ connectionString: target.location.databaseUrl });
  await client.connect();
  try {
    await client.query(
      'vacuum (analyze) app_testers, beta_group_testers, beta_group_builds, build_individual_testers, public_link_daily',
    );
    // The last run's ingestion app, deleted (removeIngestApp), and the cold figures' invalidating writes leave
    // dead rows among the reference app's that nothing else cleans up here: after three runs usage_monthly held
    // 1.7 million dead rows to 111,000 live ones (pg_stat_user_tables). About 15 s.
    await client.query(
      'vacuum (analyze) usage_events, usage_daily, usage_monthly, usage_build_daily, app_data_versions',
    );
  } finally {
    await client.end();
  }
}

/** The rows of the ingestion app, every table; the reference app's are untouched. */
const INGEST_APP_TABLES = [
  'usage_events',
  'usage_daily',
  'usage_monthly',
  'usage_build_daily',
  'public_link_daily',
  'app_testers',
  'ingest_stats',
  'ingest_rejections',
  'ingest_keys',
];

export async function removeIngestApp(target: BenchStore): Promise<void> {
  const statements = [
    ...INGEST_APP_TABLES.map((table) => `delete from ${table} where app_id = '${INGEST_APP.id}'`),
    `delete from build_beta_details where build_id in (select id from builds where app_id = '${INGEST_APP.id}')`,
    `delete from builds where app_id = '${INGEST_APP.id}'`,
    `delete from apps where id = '${INGEST_APP.id}'`,
  ];
  if (!('databaseUrl' in target.location)) {
    const db = new Database(join(resolve(target.location.dataDir), 'beta-metrics.db'));
    try {
      const tables = new Set(
        (db.prepare("select name from sqlite_master where type = 'table'").all() as { name: string }[]).map(
          (t) => t.name,
        ),
      );
      db.transaction(() => {
        for (const statement of statements) if (tables.has(statement.split(' ')[2] ?? '')) db.exec(statement);
      })();
    } finally {
      db.close();
    }
    return;
  }
  const client = new pg.Client({ connectionString: target.location.databaseUrl });
  await client.connect();
  try {
    const tables = new Set(
      (
        await client.query<{ name: string }>(
          'select tablename as name from pg_tables where schemaname = current_schema()',
        )
      ).rows.map((t) => t.name),
    );
    await client.query('begin');
    for (const statement of statements)
      if (tables.has(statement.split(' ')[2] ?? '')) await client.query(statement);
    await client.query('commit');
  } finally {
    await client.end();
  }
}

/** A write that changes the reference app's data: one accepted session, so every cached answer is stale. */
export async function invalidate(url: string, fixture: Fixture): Promise<void> {
  const body = JSON.stringify({
    events: [
      {
        id: randomUUID(),
        type: 'session',
        appId: BENCH_APP.id,
        testerId: fixture.testerIds[0],
        timestamp: `${REPORT_DAY}T11:00:00Z`,
      },
    ],
  });
  const answer = await send(
    'POST',
    `${url}/ingest/v1/events`,
    { authorization: `Bearer ${fixture.referenceIngestKey}`, 'content-type': 'application/json' },
    body,
  );
  if (answer.status !== 200 || !answer.body.toString().includes('"accepted":1')) {
    throw new Error(`invalidating write: ${answer.status} ${answer.body.toString()}`);
  }
}
