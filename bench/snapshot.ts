import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import type { UsageEventRecord } from '../src/domain/records/usage-event-record.js';
import { loadDemoData } from '../src/services/demo/load-demo.js';
import { openStore, type StoreLocation } from '../src/storage/open-store.js';
import type { Store } from '../src/storage/store.js';
import { median, round } from './stats.js';

/**
 * `npm run bench:snapshot [-- --runs 5] [--events 100000] [--database-url URL]`: how long saving and restoring a
 * named snapshot of the whole store takes (storage/snapshot-admin-store.ts), in process, on a fresh store
 * holding the demo (~26,000 events), then on one holding `--events` events. Each run first changes the store
 * (a batch of events), then restores; the median, fastest and slowest of `--runs` restores are printed. On
 * PostgreSQL every store is a fresh schema of the given database, dropped afterwards with its snapshots.
 * The CLI's `snapshot restore` adds its process start (about half a second) to these. No test asserts them.
 */
const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '5' },
    events: { type: 'string', default: '100000' },
    'database-url': { type: 'string' },
  },
});
const RUNS = Number(values.runs);
const EVENTS = Number(values.events);
const DATABASE_URL = values['database-url'];

const REPORT_DAY = Date.parse('2023-10-05T00:00:00Z');
const DAY_MS = 86_400_000;

interface FreshStore {
  readonly location: StoreLocation;
  readonly name: string;
  remove(): Promise<void>;
}

async function freshStore(): Promise<FreshStore> {
  if (DATABASE_URL === undefined) {
    const dataDir = mkdtempSync(join(tmpdir(), 'beta-metrics-bench-snapshot-'));
    return {
      location: { dataDir },
      name: `sqlite:${dataDir}`,
      remove: async () => rmSync(dataDir, { recursive: true, force: true }),
    };
  }
  const schema = `bm_bench_snapshot_${randomBytes(4).toString('hex')}`;
  const admin = async (statement: string) => {
    const client = new pg.Client({ connectionString: DATABASE_URL });
    await client.connect();
    try {
      await client.query(statement);
    } finally {
      await client.end();
    }
  };
  await admin(`create schema ${schema}`);
  const url = new URL(DATABASE_URL);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return {
    location: { databaseUrl: url.toString(), poolSize: 4 },
    name: `PostgreSQL schema ${schema}`,
    remove: () => admin(`drop schema ${schema} cascade`),
  };
}

/** One app with 2,000 testers and `count` events among them over the year before the demo's report date. */
async function fillWithEvents(store: Store, count: number): Promise<void> {
  const appId = '7000000001';
  const createdAt = '2022-10-01T00:00:00.000Z';
  await store.createApp({
    id: appId,
    name: 'Bench',
    bundleId: 'com.example.bench',
    sku: 'BENCH',
    primaryLocale: 'en-US',
    createdAt,
  });
  const testers = Array.from({ length: 2_000 }, (_, n) => `bench-tester-${String(n).padStart(5, '0')}`);
  await store.createTesters(
    testers.map((id) => ({
      id,
      email: `${id}@example.com`,
      firstName: 'Bench',
      lastName: id,
      inviteType: 'EMAIL' as const,
      createdAt,
    })),
  );
  await store.addTestersToApps(
    testers.map((testerId) => ({ appId, testerId, state: 'INSTALLED' as const, invitedAt: createdAt })),
  );
  const types = ['install', 'session', 'session', 'session', 'crash', 'feedback'] as const;
  for (let first = 0; first < count; first += 5_000) {
    const batch: UsageEventRecord[] = [];
    for (let n = first; n < Math.min(count, first + 5_000); n++) {
      const occurredAt = new Date(REPORT_DAY - (n % 365) * DAY_MS + (n % 86_000) * 1000).toISOString();
      batch.push({
        id: `bench-${n}`,
        appId,
        testerId: testers[n % testers.length] ?? '',
        type: types[n % types.length] ?? 'session',
        occurredAt,
        receivedAt: occurredAt,
      });
    }
    await store.appendUsageEvents(batch);
  }
}

async function measure(label: string, fill: (store: Store) => Promise<number>): Promise<void> {
  const fresh = await freshStore();
  const store = await openStore(fresh.location);
  try {
    const events = await fill(store);
    let started = performance.now();
    await store.saveSnapshot('bench', { replace: false });
    const saveMs = performance.now() - started;
    const restores: number[] = [];
    const appId = (await store.listApps({}, { limit: 1 }))[0]?.id ?? '';
    const [testerId = ''] = await store.listInstalledTesterIds(appId, {}, { limit: 1 });
    for (let run = 0; run < RUNS; run++) {
      const at = new Date(REPORT_DAY - DAY_MS).toISOString();
      // A change for the restore to undo.
      await store.appendUsageEvents(
        Array.from({ length: 100 }, (_, n) => ({
          id: `change-${run}-${n}`,
          appId,
          testerId,
          type: 'session' as const,
          occurredAt: at,
          receivedAt: at,
        })),
      );
      started = performance.now();
      await store.restoreSnapshot('bench');
      restores.push(performance.now() - started);
    }
    console.log(
      `${label}: ${events.toLocaleString('en-US')} events (${fresh.name}); save ${round(saveMs)} ms; restore median ${round(median(restores))} ms of ${RUNS} (fastest ${round(Math.min(...restores))}, slowest ${round(Math.max(...restores))})`,
    );
    await store.deleteSnapshot('bench');
  } finally {
    await store.close();
    await fresh.remove();
  }
}

async function main() {
  await measure('demo', async (store) => (await loadDemoData(store)).events);
  await measure('generated', async (store) => {
    await fillWithEvents(store, EVENTS);
    return EVENTS;
  });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
