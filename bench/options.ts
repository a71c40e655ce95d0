import type { StoreLocation } from '../src/storage/open-store.js';
import { REPORT_TIME } from './workload.js';

/** Where the reference store is: an embedded data directory, or a schema of a PostgreSQL database. */
export interface BenchStore {
  readonly backend: 'sqlite' | 'postgres';
  readonly location: StoreLocation;
  /** The same for the CLI: `--data-dir D` or `--database-url U`. */
  readonly cliArgs: string[];
  /** For messages, without a password. */
  readonly name: string;
}

export const DEFAULT_DATA_DIR = '.bench/data/sqlite';
export const DEFAULT_SCHEMA = 'beta_metrics_bench';

export const STORE_OPTIONS = {
  'data-dir': { type: 'string', default: DEFAULT_DATA_DIR },
  'database-url': { type: 'string' },
  schema: { type: 'string', default: DEFAULT_SCHEMA },
} as const;

/** The store named by `--data-dir` or `--database-url` (+ `--schema`). */
export function benchStore(values: { 'data-dir'?: string; 'database-url'?: string; schema?: string }) {
  const url = values['database-url'];
  if (url === undefined) {
    const dataDir = values['data-dir'] ?? DEFAULT_DATA_DIR;
    return {
      backend: 'sqlite',
      location: { dataDir },
      cliArgs: ['--data-dir', dataDir],
      name: `sqlite:${dataDir}`,
    } satisfies BenchStore;
  }
  const schema = values.schema ?? DEFAULT_SCHEMA;
  if (!/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error(`--schema ${schema}: letters, digits and _ only`);
  const databaseUrl = withSearchPath(url, schema);
  return {
    backend: 'postgres',
    location: { databaseUrl, poolSize: 10 },
    cliArgs: ['--database-url', databaseUrl],
    name: `${url.replace(/:[^:@/]*@/, ':***@')} (schema ${schema})`,
  } satisfies BenchStore;
}

function withSearchPath(url: string, schema: string): string {
  const parsed = new URL(url);
  parsed.searchParams.set('options', `-c search_path=${schema}`);
  return parsed.toString();
}

/** The schema a PostgreSQL bench store lives in, and the database URL without it. */
export function postgresSchemaOf(store: BenchStore): { url: string; schema: string } | undefined {
  if (!('databaseUrl' in store.location)) return undefined;
  const parsed = new URL(store.location.databaseUrl);
  const schema = (parsed.searchParams.get('options') ?? '').replace('-c search_path=', '');
  parsed.searchParams.delete('options');
  return { url: parsed.toString(), schema };
}

/**
 * `serve`'s arguments as every figure starts the server on the bench store: listening on `port`, the report
 * clock fixed at the workload's day, warnings only in the log, and the rate limit `rateLimit` a minute (the
 * limiter stays on; the bench's default budget is large enough that no answer is a 429).
 */
export function serveArgs(target: BenchStore, port: number, rateLimit = '999999999'): string[] {
  return [
    'serve',
    ...target.cliArgs,
    '--listen',
    `127.0.0.1:${port}`,
    '--now',
    REPORT_TIME,
    '--rate-limit',
    rateLimit,
    '--log-level',
    'warn',
  ];
}
