import { rm } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { openStore } from '../src/storage/open-store.js';
import type { Store } from '../src/storage/store.js';
import { type BenchStore, benchStore, postgresSchemaOf, STORE_OPTIONS } from './options.js';
import {
  REFERENCE_SHAPE,
  referenceWorkload,
  WORKLOAD_SETTING,
  WORKLOAD_VERSION,
  type WorkloadShape,
} from './workload.js';

/**
 * `npm run bench:data [-- --database-url URL] [--data-dir DIR] [--force]`: writes the reference workload
 * (workload.ts) into a store through the store's own write path (Store.appendUsageEvents: the transaction
 * ingestion commits, with its dedup, rollups and installs), in large batches. A store already holding this
 * version of the workload is left as it is unless --force.
 */
const { values } = parseArgs({
  options: {
    ...STORE_OPTIONS,
    force: { type: 'boolean', default: false },
    testers: { type: 'string' },
    days: { type: 'string' },
  },
});
const shape: WorkloadShape = {
  ...REFERENCE_SHAPE,
  ...(values.testers !== undefined && { testers: Number(values.testers) }),
  ...(values.days !== undefined && { days: Number(values.days) }),
};
const target = benchStore(values);
const BATCH = 100_000;

const started = performance.now();
const existing = await workloadIn(target);
if (existing !== undefined && !values.force && existing.version === WORKLOAD_VERSION) {
  console.log(
    `${target.name} already holds the reference workload (${existing.events} events); --force makes it anew.`,
  );
  process.exit(0);
}
await emptyStore(target);
const store = await openStore(target.location);
try {
  const events = await generate(store, shape);
  await settle(target);
  const seconds = (performance.now() - started) / 1000;
  const description = { version: WORKLOAD_VERSION, ...shape, events, seconds: Math.round(seconds) };
  await store.setSetting(WORKLOAD_SETTING, JSON.stringify(description));
  process.stderr.write('\n');
  console.log(
    `Wrote ${events.toLocaleString('en-US')} events of ${shape.testers} testers over ${shape.days} days into ${target.name} in ${seconds.toFixed(1)} s (${Math.round(events / seconds).toLocaleString('en-US')} events/s).`,
  );
} finally {
  await store.close();
}

async function generate(store: Store, shape: WorkloadShape): Promise<number> {
  const workload = referenceWorkload(shape);
  await store.createApp(workload.app);
  await store.createTesters(workload.testers);
  await store.addTestersToApps(workload.memberships);
  let written = 0;
  const writing = performance.now();
  for (let day = 0; day < shape.days; day++) {
    const events = workload.eventsOfDay(day);
    for (let i = 0; i < events.length; i += BATCH) {
      const result = await store.appendUsageEvents(events.slice(i, i + BATCH));
      if (result.duplicates > 0) throw new Error(`day ${day}: ${result.duplicates} duplicate ids`);
    }
    written += events.length;
    const rate = written / ((performance.now() - writing) / 1000);
    const left = (shape.days - day - 1) * (written / (day + 1));
    process.stderr.write(
      `\rday ${day + 1}/${shape.days}: ${(written / 1e6).toFixed(2)} M events, ${Math.round(rate).toLocaleString('en-US')} events/s, about ${Math.round(left / rate)} s left   `,
    );
  }
  return written;
}

/** What the store says it holds, if it is a bench store at all. */
async function workloadIn(target: BenchStore): Promise<{ version: string; events: number } | undefined> {
  try {
    const store = await openStore(target.location, { migrate: false });
    try {
      const value = await store.setting(WORKLOAD_SETTING);
      return value === undefined ? undefined : JSON.parse(value);
    } finally {
      await store.close();
    }
  } catch {
    return undefined;
  }
}

/** Removes what a former (or interrupted) generation left: the data directory, or the bench's own schema. */
async function emptyStore(target: BenchStore): Promise<void> {
  const postgres = postgresSchemaOf(target);
  if (postgres === undefined) {
    if ('dataDir' in target.location) await rm(target.location.dataDir, { recursive: true, force: true });
    return;
  }
  const client = new pg.Client({ connectionString: postgres.url });
  await client.connect();
  try {
    await client.query(`drop schema if exists ${postgres.schema} cascade`);
    await client.query(`create schema ${postgres.schema}`);
  } finally {
    await client.end();
  }
}

/**
 * Leaves a PostgreSQL store as autovacuum would some time after a bulk load (sooner here, and on servers that
 * run with autovacuum off, as this project's bench machine does): planner statistics for the new rows (without
 * them the planner takes a 20-million-row table for an empty one, and the cold pages cost hundreds of
 * milliseconds instead of a few) and the visibility map set (without it every index-only scan reads the table
 * too).
 */
async function settle(target: BenchStore): Promise<void> {
  const postgres = postgresSchemaOf(target);
  if (postgres === undefined) return;
  process.stderr.write('\nvacuuming and analyzing the new rows (visibility map, planner statistics)\n');
  const client = new pg.Client({ connectionString: postgres.url });
  await client.connect();
  try {
    await client.query(`set search_path = ${postgres.schema}`);
    // Each table of the schema: a bare VACUUM would also do every other schema of the database.
    const { rows } = await client.query<{ name: string }>(
      'select tablename as name from pg_tables where schemaname = $1',
      [postgres.schema],
    );
    for (const { name } of rows) await client.query(`vacuum (analyze) ${postgres.schema}.${name}`);
  } finally {
    await client.end();
  }
}
