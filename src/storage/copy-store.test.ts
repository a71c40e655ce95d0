import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ALL_TABLES,
  demoServices,
  FILLED_SCREENSHOT,
  type FilledStore,
  fillStore,
  tableRowCounts,
} from '../../test/support/filled-store.js';
import { createTestSchema, postgresReachable, TEST_DATABASE_URL } from '../../test/support/test-database.js';
import { metricsOf, usagePages } from '../../test/support/usage-pages.js';
import { PAGE_APP, PAGE_APP_INSTALLED_TESTERS } from '../services/demo/demo-fixture.js';
import { CURSOR_KEY_SETTING, ISSUER_ID_SETTING, type Services } from '../services/services.js';
import { signToken } from '../services/token-signer.js';
import { copyStore, openStore, type StoreLocation, type TableCounts } from './open-store.js';
import type { Store } from './store.js';

const postgres = await postgresReachable();
if (!postgres) {
  console.warn(
    `\n  !! PostgreSQL is not reachable at ${TEST_DATABASE_URL}: the SQLite -> PostgreSQL -> SQLite copy is SKIPPED.\n`,
  );
}

interface Opened {
  readonly store: Store;
  readonly services: Services;
}

describe.skipIf(!postgres)('copying a whole store SQLite -> PostgreSQL -> SQLite', () => {
  let dir: string;
  let dropSchema: () => Promise<void> = async () => {};
  let source: StoreLocation;
  let middle: StoreLocation;
  let back: StoreLocation;
  let filled: FilledStore;
  let toPostgres: TableCounts;
  let toSqlite: TableCounts;
  const opened: Opened[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'beta-metrics-copy-'));
    const schema = await createTestSchema();
    dropSchema = schema.drop;
    source = { dataDir: join(dir, 'source') };
    middle = { databaseUrl: schema.url, poolSize: 2 };
    back = { dataDir: join(dir, 'back') };
    filled = await fillStore(source);
    toPostgres = await copyStore(source, middle);
    toSqlite = await copyStore(middle, back);
    for (const location of [source, middle, back]) {
      const store = await openStore(location);
      opened.push({ store, services: await demoServices(store) });
    }
  }, 120_000);
  afterAll(async () => {
    for (const { store } of opened) await store.close();
    await dropSchema();
    await rm(dir, { recursive: true, force: true });
  });

  /** The PostgreSQL copy, and the copy of that back in SQLite. */
  const copies = () => opened.slice(1).map((end, i) => ({ ...end, name: ['postgres', 'back'][i] }));
  const sourceEnd = (): Opened => {
    const first = opened[0];
    if (first === undefined) throw new Error('the stores did not open');
    return first;
  };

  it('copies rows of every table, and each side counts as many as the copy reported', async () => {
    const counts = await tableRowCounts(source);
    for (const table of ALL_TABLES) expect(counts[table], table).toBeGreaterThan(0);
    expect(await tableRowCounts(middle)).toEqual(counts);
    expect(await tableRowCounts(back)).toEqual(counts);
    const reported = Object.fromEntries(
      ALL_TABLES.map((table) => [table, { from: counts[table], to: counts[table] }]),
    );
    expect(toPostgres).toEqual(reported);
    expect(toSqlite).toEqual(reported);
  });

  it('carries the bytes of uploaded screenshots, which neither backend keeps in its rows', async () => {
    const sha256 = createHash('sha256').update(FILLED_SCREENSHOT).digest('hex');
    for (const { store, name } of copies()) {
      const stored = await store.readContent(PAGE_APP.id, sha256);
      expect(stored?.bytes.equals(FILLED_SCREENSHOT), name).toBe(true);
      expect(stored, name).toMatchObject({ mediaType: 'image/png', width: 16, height: 9 });
    }
  });

  it("carries the source's settings: its issuer id, cursor key and demo marker", async () => {
    const settingsOf = async (store: Store) =>
      Promise.all([ISSUER_ID_SETTING, CURSOR_KEY_SETTING, 'demo_loaded'].map((name) => store.setting(name)));
    const expected = await settingsOf(sourceEnd().store);
    expect(expected.every((value) => value !== undefined)).toBe(true);
    for (const { store, name } of copies()) expect(await settingsOf(store), name).toEqual(expected);
  });

  it('answers every page of every app for all four periods exactly as the source does', async () => {
    const apps = await sourceEnd().store.listApps({}, { limit: 100 });
    expect(apps.length).toBe(3);
    for (const app of apps) {
      const expected = await metricsOf(sourceEnd().services, app.id);
      if (app.id === PAGE_APP.id) expect(expected.P365D?.[0]?.total).toBe(PAGE_APP_INSTALLED_TESTERS);
      for (const { services, name } of copies())
        expect(await metricsOf(services, app.id), `${name} ${app.id}`).toEqual(expected);
    }
  });

  it("continues a listing from the source's cursor on each copy", async () => {
    const scope = `usage pages of ${PAGE_APP.id}`;
    const first = await sourceEnd().services.betaTesterUsages.readBetaTesterUsages(PAGE_APP.id, {
      period: 'P90D',
      limit: 50,
      scope,
    });
    const token = first.next;
    if (token === undefined) throw new Error('the first page has no cursor');
    const expected = (await usagePages(sourceEnd().services, PAGE_APP.id, 'P90D', 50))[1];
    for (const { services, name } of copies()) {
      const second = await services.betaTesterUsages.readBetaTesterUsages(PAGE_APP.id, {
        period: 'P90D',
        limit: 50,
        after: token,
        scope,
      });
      expect({ total: second.total, rows: second.rows }, name).toEqual(expected);
    }
  });

  it("verifies a token minted with the source's key, and still refuses its revoked key", async () => {
    const { apiKey } = filled;
    const token = await signToken({
      privateKeyPem: apiKey.privateKeyPem,
      keyId: apiKey.keyId,
      issuerId: sourceEnd().services.apiKeys.issuerId,
      now: new Date(),
    });
    const target = { method: 'GET', path: '/v1/apps', query: [] };
    for (const { services, store, name } of copies()) {
      await expect(services.tokens.verify(`Bearer ${token}`, target), name).resolves.toEqual({
        keyId: apiKey.keyId,
        role: 'ADMIN',
        kind: 'TEAM',
        testing: false,
      });
      const revoked = (await store.listApiKeys()).filter((key) => key.revokedAt !== null);
      expect(
        revoked.map((key) => key.name),
        name,
      ).toEqual(['Revoked']);
    }
  });

  it('keeps which keys have the TESTING capability (a column added by migration 0007)', async () => {
    const capabilities = async (store: Store) =>
      (await store.listApiKeys()).map((key) => [key.name, key.testing]);
    const expected = await capabilities(sourceEnd().store);
    expect(expected).toContainEqual(['Testing', true]);
    expect(expected).toContainEqual(['Copied', false]);
    for (const { store, name } of copies()) expect(await capabilities(store), name).toEqual(expected);
  });

  it('keeps ingest keys (live and revoked), ingestion counts with their reasons, and request counts', async () => {
    const { ingestKey, revokedIngestKey, apiKey, requestMinute } = filled;
    const stats = await sourceEnd().store.ingestStats();
    expect(stats.find((app) => app.appId === PAGE_APP.id)?.reasons).toHaveLength(2);
    for (const { services, store, name } of copies()) {
      expect((await services.ingestKeys.find(ingestKey.key))?.id, name).toBe(ingestKey.id);
      expect(await services.ingestKeys.find(revokedIngestKey.key), name).toBeUndefined();
      expect(await store.ingestStats(), name).toEqual(stats);
      expect(await store.requestsIn(apiKey.keyId, requestMinute, 60), name).toBe(3);
    }
  });
});
