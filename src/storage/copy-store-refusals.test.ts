import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ALL_TABLES,
  demoServices,
  dropInsertsInto,
  fillStore,
  tableRowCounts,
} from '../../test/support/filled-store.js';
import { createTestSchema, postgresReachable, TEST_DATABASE_URL } from '../../test/support/test-database.js';
import { CURSOR_KEY_SETTING, ISSUER_ID_SETTING } from '../services/services.js';
import { copyStore, openStore, StoreCopyError, type StoreLocation } from './open-store.js';
import { StoreOpenError } from './store-open-error.js';

const postgres = await postgresReachable();
if (!postgres) {
  console.warn(
    `\n  !! PostgreSQL is not reachable at ${TEST_DATABASE_URL}: copies into PostgreSQL are SKIPPED.\n`,
  );
}

let dir: string;
let source: StoreLocation;
const cleanups: Array<() => Promise<void>> = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'beta-metrics-copy-'));
  source = { dataDir: join(dir, 'source') };
  await fillStore(source);
}, 60_000);
afterAll(async () => {
  for (const cleanup of cleanups) await cleanup();
  await rm(dir, { recursive: true, force: true });
});

let targets = 0;
const TARGETS = [
  {
    backend: 'SQLite',
    fresh: async (): Promise<StoreLocation> => ({ dataDir: join(dir, `target-${++targets}`) }),
  },
  ...(postgres
    ? [
        {
          backend: 'PostgreSQL',
          fresh: async (): Promise<StoreLocation> => {
            const schema = await createTestSchema();
            cleanups.push(schema.drop);
            return { databaseUrl: schema.url, poolSize: 2 };
          },
        },
      ]
    : []),
];

/** The settings of a store, read with a store of its own. */
async function settingsOf(location: StoreLocation) {
  const store = await openStore(location);
  try {
    return await Promise.all([ISSUER_ID_SETTING, CURSOR_KEY_SETTING].map((name) => store.setting(name)));
  } finally {
    await store.close();
  }
}

const zeroes = Object.fromEntries(ALL_TABLES.map((table) => [table, 0]));

describe.each(TARGETS)('copying into $backend', ({ fresh }) => {
  it('refuses a target that holds data, in one line, and leaves it as it was', async () => {
    const target = await fresh();
    const store = await openStore(target);
    await demoServices(store);
    await store.createApp({
      id: '1000000001',
      name: 'Already here',
      bundleId: 'com.example.here',
      sku: 'HERE',
      primaryLocale: 'en-US',
      createdAt: '2023-01-01T00:00:00.000Z',
    });
    await store.close();
    const counts = await tableRowCounts(target);
    const settings = await settingsOf(target);

    const refused = copyStore(source, target);
    await expect(refused).rejects.toThrow(StoreCopyError);
    await expect(refused).rejects.toThrow(/^\S+ is not empty \(apps: 1\); copy into an empty store/);
    await expect(refused).rejects.not.toThrow(/\n/);
    // The services made three settings: the issuer id, the cursor key and the content URL key.
    expect(await tableRowCounts(target)).toEqual(counts);
    expect(counts).toMatchObject({ apps: 1, settings: 3 });
    expect(await settingsOf(target)).toEqual(settings);
  });

  it('leaves the target empty when a copy fails half-way, so the next copy completes', async () => {
    const target = await fresh();
    const failed = copyStore(source, target, {
      chunkRows: 1000,
      onProgress: ({ table, copied }) => {
        if (table === 'usage_events' && copied >= 3000) throw new Error('interrupted');
      },
    });
    await expect(failed).rejects.toThrow('interrupted');
    expect(await tableRowCounts(target)).toEqual(zeroes);

    const counts = await copyStore(source, target, { chunkRows: 1000 });
    const expected = await tableRowCounts(source);
    expect(await tableRowCounts(target)).toEqual(expected);
    expect(counts.usage_events).toEqual({ from: expected.usage_events, to: expected.usage_events });
  });

  it("gives an empty store that was served once the source's issuer id and cursor key", async () => {
    const target = await fresh();
    const store = await openStore(target);
    await demoServices(store);
    await store.close();
    const own = await settingsOf(target);
    const wanted = await settingsOf(source);
    expect(own).not.toEqual(wanted);

    await copyStore(source, target);
    expect(await settingsOf(target)).toEqual(wanted);
  });
});

describe.skipIf(!postgres)('a target that loses rows', () => {
  it('fails the copy when a count differs, reports the counts, and commits nothing', async () => {
    const schema = await createTestSchema();
    cleanups.push(schema.drop);
    const target = { databaseUrl: schema.url, poolSize: 2 };
    await openStore(target).then((store) => store.close());
    await dropInsertsInto(schema.url, 'ingest_rejections');

    const error = await copyStore(source, target).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(StoreCopyError);
    const { message, counts } = error as StoreCopyError;
    expect(message).toMatch(
      /^the row counts differ \(ingest_rejections: 2 -> 0\); nothing was committed to \S+$/,
    );
    expect(counts?.ingest_rejections).toEqual({ from: 2, to: 0 });
    expect(counts?.usage_events.to).toBeGreaterThan(0);
    expect(await tableRowCounts(target)).toEqual(zeroes);
  });
});

describe('a source that is not a store', () => {
  it('is refused without creating a data directory', async () => {
    const missing = join(dir, 'no-such-store');
    await expect(copyStore({ dataDir: missing }, { dataDir: join(dir, 'unused') })).rejects.toThrow(
      new StoreOpenError(
        `there is no store at sqlite:${missing}; give the data directory of an existing store`,
      ),
    );
    expect(existsSync(missing)).toBe(false);
    expect(existsSync(join(dir, 'unused'))).toBe(false);
  });

  it.skipIf(!postgres)('is refused when its PostgreSQL schema holds no store', async () => {
    const empty = await createTestSchema();
    cleanups.push(empty.drop);
    await expect(
      copyStore({ databaseUrl: empty.url, poolSize: 2 }, { dataDir: join(dir, 'unused') }),
    ).rejects.toThrow(/^there is no store at postgres:\/\/[^?\s]+$/);
  });
});
