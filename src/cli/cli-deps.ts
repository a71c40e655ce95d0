import type { Clock } from '../domain/clock.js';
import type { ConnectionLimits } from '../domain/connection-limits.js';
import type { IngestionLimits } from '../services/ingestion.js';
import type { Services } from '../services/services.js';
import type { StoreLocation } from '../storage/open-store.js';
import type { Store } from '../storage/store.js';
import { type StoreFlags, storeLocation } from './store-options.js';
import type { ListenAddress } from './option-parsers.js';
import type { Output } from './output.js';

export interface RuntimeOptions {
  readonly store: StoreLocation;
  /** Fixes what "today" is for metrics (`--now`); the wall clock otherwise. */
  readonly reportTime?: Date;
  /** Runs on the opened store before services read their settings (the demo loads here). */
  readonly beforeServices?: (store: Store) => Promise<void>;
  /** Limits of ingestion (defaults: 1,000 events and 1 MiB per request, 400 days of retention). */
  readonly ingestion?: IngestionLimits;
}

/** A store with its services: what every command works with. */
export interface Runtime {
  readonly store: Store;
  readonly services: Services;
  readonly clock: Clock;
  close(): Promise<void>;
}

export interface ServeOptions {
  readonly listen: ListenAddress;
  readonly store: StoreLocation;
  /** Local files of the server (the demo key), whichever the store is. */
  readonly dataDir: string;
  readonly publicUrl?: string;
  readonly reportTime?: Date;
  readonly demo: boolean;
  /** With `demo`: testers of the demo's second app when the demo is first loaded. */
  readonly demoTesters?: number;
  /** Requests per key per hour; 0: no limit. */
  readonly rateLimit: number;
  readonly logLevel: string;
  readonly ingestion: IngestionLimits;
  /** Timeouts and the socket cap of the HTTP server. */
  readonly connectionLimits: ConnectionLimits;
  /** Serve the test controls under `/_beta-metrics/` (snapshots) to ADMIN keys; never on a production server. */
  readonly allowFaults: boolean;
}

/** Human-facing lines of `serve` (the banner, progress); its logs go to the JSON logger. */
export interface ServeConsole {
  info(line: string): void;
  progress(line: string): void;
}

/** What the commands need from the composition root; `main` provides it. */
export interface CliDeps {
  readonly openRuntime: (options: RuntimeOptions) => Promise<Runtime>;
  readonly serve: (options: ServeOptions, out: ServeConsole) => Promise<void>;
  readonly out: Output;
}

/** Opens the store the flags name, runs `work`, closes the store whatever happens. */
export async function withRuntime<T>(
  deps: CliDeps,
  flags: StoreFlags,
  work: (runtime: Runtime) => Promise<T>,
): Promise<T> {
  const runtime = await deps.openRuntime({ store: storeLocation(flags) });
  try {
    return await work(runtime);
  } finally {
    await runtime.close();
  }
}
