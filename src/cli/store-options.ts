import { type Command, Option } from 'commander';
import { DEFAULT_POOL_SIZE, DEFAULT_QUERY_TIMEOUT_MS, type StoreLocation } from '../storage/open-store.js';
import { DEFAULT_DATA_DIR, parsePositiveInteger } from './option-parsers.js';
import { InputError } from '../services/input-error.js';

/** The flags of every command that works on a store, and `--json` where it applies. */
export interface StoreFlags {
  readonly dataDir: string;
  readonly databaseUrl?: string;
  readonly dbPoolSize: string;
  readonly dbQueryTimeout: string;
  readonly databaseReplicaUrl?: string;
  readonly json?: boolean;
}

/** `--data-dir` (the embedded store), or `--database-url` (PostgreSQL), as `serve` takes them. */
export function withStoreOptions(command: Command): Command {
  return command
    .addOption(
      new Option('--data-dir <dir>', 'the embedded store directory (and, with --demo, the demo key)')
        .env('BETA_METRICS_DATA_DIR')
        .default(DEFAULT_DATA_DIR),
    )
    .addOption(
      new Option('--database-url <url>', 'use PostgreSQL (15 or newer) instead of the embedded store').env(
        'DATABASE_URL',
      ),
    )
    .addOption(
      new Option('--database-replica-url <url>', 'a PostgreSQL read replica for the metrics reads').env(
        'DATABASE_REPLICA_URL',
      ),
    )
    .addOption(
      new Option('--db-pool-size <n>', 'PostgreSQL connections of this process')
        .env('BETA_METRICS_DB_POOL_SIZE')
        .default(String(DEFAULT_POOL_SIZE)),
    )
    .addOption(
      new Option(
        '--db-query-timeout <ms>',
        'ms a PostgreSQL query may take before the request fails; 0: none',
      )
        .env('BETA_METRICS_DB_QUERY_TIMEOUT')
        .default(String(DEFAULT_QUERY_TIMEOUT_MS)),
    );
}

export function withJsonOption(command: Command): Command {
  return command.option('--json', 'print one JSON value on stdout instead of prose');
}

/** Where the flags put the store: PostgreSQL when a database URL is given, else the data directory. */
export function storeLocation(flags: StoreFlags): StoreLocation {
  const url = flags.databaseUrl;
  if (url === undefined || url === '') return { dataDir: flags.dataDir };
  if (!/^postgres(ql)?:\/\//.test(url)) {
    throw new InputError(
      '--database-url must be a PostgreSQL URL, like postgres://user@host:5432/beta_metrics',
    );
  }
  const timeout = flags.dbQueryTimeout.trim();
  if (!/^\d{1,9}$/.test(timeout))
    throw new InputError(`'${timeout}' is not a valid --db-query-timeout; use milliseconds, or 0`);
  return {
    databaseUrl: url,
    poolSize: parsePositiveInteger('--db-pool-size', flags.dbPoolSize),
    queryTimeoutMs: Number(timeout),
    ...(flags.databaseReplicaUrl !== undefined &&
      flags.databaseReplicaUrl !== '' && { readReplicaUrl: flags.databaseReplicaUrl }),
  };
}
