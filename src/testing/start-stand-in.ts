import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openRuntime } from '../main/compose.js';
import { createApp } from '../main/create-app.js';
import { loadDemoData } from '../services/demo/load-demo.js';
import { DEMO_REPORT_TIME } from '../services/demo/demo-fixture.js';
import { importRecords } from '../services/import-records.js';
import { DEFAULT_INGESTION_LIMITS } from '../services/ingestion.js';
import { inMemoryRateLimiter } from '../services/rate-limiter.js';
import { requestJournal } from '../services/request-journal.js';
import type { StoreLocation } from '../storage/open-store.js';
import { signToken } from '../wire-common/sign-token.js';
import { type ControlClient, controlClient } from './control-client.js';

export interface StandInOptions {
  /**
   * What the store holds at start: `'demo'` (the endpoint page's apps and testers and a year of usage), or
   * NDJSON of apps, testers and events as `beta-metrics import` reads it (docs/import-format.md). Empty when
   * absent.
   */
  readonly fixture?: 'demo' | { readonly ndjson: string };
  /** The report date of the metrics; the demo's (2023-10-05) with the demo fixture, else the real date. */
  readonly now?: Date | string;
  /** Faults on demand and their rules (`serve --allow-faults`); on unless `false`. */
  readonly faults?: boolean;
  /** Where the store is: a fresh temporary directory (deleted by `close`) when absent. */
  readonly store?: StoreLocation;
  /** Requests per key per hour, as Apple counts them; 3600 unless given, 0 turns limiting off. */
  readonly rateLimit?: number;
}

/** An App Store Connect API key as Apple's Users and Access page hands it out, ready for any ASC client. */
export interface StandInKey {
  readonly issuerId: string;
  readonly keyId: string;
  /** PKCS#8 PEM, the contents of an `AuthKey_<keyId>.p8`. */
  readonly privateKey: string;
}

export interface StandIn extends ControlClient {
  /** Where to point a client instead of `https://api.appstoreconnect.apple.com` (no trailing slash). */
  readonly baseUrl: string;
  /** An ADMIN key with the TESTING capability (it may ask for faults and use the test controls). */
  readonly key: StandInKey;
  /** A fresh token of `key`, valid 20 minutes. */
  token(): Promise<string>;
  /** The store as it was when the stand-in started, the fault rules and the journal cleared. */
  reset(): Promise<void>;
  /** Stops the server, closes the store, and deletes the store's directory when the stand-in made it. */
  close(): Promise<void>;
}

/** The snapshot every `reset` restores: the store right after the fixture was loaded. */
const START = 'stand-in-start';

/**
 * A beta-metrics server for a test suite, in this process on 127.0.0.1 and a free port, over a fresh store:
 * the same server `beta-metrics serve --allow-faults` runs (main/create-app.ts), with the handles a suite
 * needs (faults, journal, snapshots, reset). See the README, "Testing with a stand-in".
 */
export async function startStandIn(options: StandInOptions = {}): Promise<StandIn> {
  const madeDir =
    options.store === undefined ? await mkdtemp(join(tmpdir(), 'beta-metrics-stand-in-')) : undefined;
  const location: StoreLocation = options.store ?? { dataDir: madeDir as string };
  const reportTime =
    options.now !== undefined
      ? new Date(options.now)
      : options.fixture === 'demo'
        ? DEMO_REPORT_TIME
        : undefined;
  const fixture = options.fixture;
  const runtime = await openRuntime({
    store: location,
    ingestion: DEFAULT_INGESTION_LIMITS,
    ...(reportTime !== undefined && { reportTime }),
    ...(fixture === 'demo' && { beforeServices: (store) => loadDemoData(store).then(() => {}) }),
  }).catch(async (error: unknown) => {
    if (madeDir !== undefined) await rm(madeDir, { recursive: true, force: true });
    throw error;
  });
  try {
    if (fixture !== undefined && fixture !== 'demo') {
      const summary = await importRecords(runtime.store, runtime.services, linesOf(fixture.ndjson));
      if (summary.rejected > 0) {
        const first = summary.rejectedLines[0];
        throw new Error(
          `the stand-in's fixture has ${summary.rejected} rejected lines (line ${first?.line}: ${first?.reason}); fix the fixture`,
        );
      }
    }
    const created = await runtime.services.apiKeys.create({ name: 'stand-in', role: 'ADMIN', testing: true });
    const rateLimit = options.rateLimit ?? 3600;
    const app = createApp({
      services: runtime.services,
      ...(rateLimit > 0 && { rateLimiter: inMemoryRateLimiter(rateLimit, runtime.clock) }),
      // Set once the port is known; no request arrives before `listen` resolves.
      baseUrl: () => base,
      journal: requestJournal(),
      ...(options.faults !== false && { faults: { maxLatencyMs: 60_000, clock: runtime.clock } }),
    });
    let base = '';
    await app.listen({ host: '127.0.0.1', port: 0 });
    const baseUrl = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    base = baseUrl;
    const key: StandInKey = {
      issuerId: created.issuerId ?? '',
      keyId: created.keyId,
      privateKey: created.privateKeyPem,
    };
    const token = () =>
      signToken({ privateKeyPem: key.privateKey, keyId: key.keyId, issuerId: key.issuerId, now: new Date() });
    const controls = controlClient(baseUrl, token);
    await runtime.services.snapshots.save({ name: START, replace: true });
    return {
      baseUrl,
      key,
      token,
      ...controls,
      async reset() {
        await runtime.services.snapshots.restore(START);
        await controls.faults.clear();
        await controls.journal.clear();
      },
      async close() {
        await app.close();
        await runtime.close();
        if (madeDir !== undefined) await rm(madeDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await runtime.close();
    if (madeDir !== undefined) await rm(madeDir, { recursive: true, force: true });
    throw error;
  }
}

async function* linesOf(ndjson: string): AsyncIterable<string> {
  yield* ndjson.split(/\r?\n/);
}
