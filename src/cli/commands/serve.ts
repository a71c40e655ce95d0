import { type Command, Option } from 'commander';
import type { CliDeps } from '../cli-deps.js';
import { type ConnectionLimits, DEFAULT_CONNECTION_LIMITS } from '../../domain/connection-limits.js';
import { DEFAULT_INGESTION_LIMITS } from '../../services/ingestion.js';
import { InputError } from '../../services/input-error.js';
import {
  DEFAULT_LISTEN,
  DEFAULT_RATE_LIMIT,
  parseInstant,
  parseListen,
  parseLogLevel,
  parsePositiveInteger,
  parsePublicUrl,
  parseRateLimit,
  parseTimeoutMs,
} from '../option-parsers.js';
import { type JournalFlags, journalLimits, withJournalOptions } from '../journal-options.js';
import { type StoreFlags, storeLocation, withStoreOptions } from '../store-options.js';
import { tlsOptions, type TlsFlags, tlsSource } from './serve-tls.js';
import {
  type ServeEphemeralFlags,
  serveEphemeralOptions,
  serveEphemeralSettings,
} from './serve-ephemeral.js';
import { type ServeFaultFlags, serveFaultOptions, serveFaultSettings } from './serve-faults.js';

interface ServeFlags extends StoreFlags, JournalFlags, TlsFlags, ServeFaultFlags, ServeEphemeralFlags {
  listen: string;
  publicUrl?: string;
  now?: string;
  demo?: boolean;
  demoTesters?: string;
  rateLimit: string;
  logLevel: string;
  ingestMaxEvents: string;
  ingestMaxBytes: string;
  retentionDays: string;
  ingestMaxConcurrent: string;
  maxScreenshotBytes: string;
  maxCrashLogBytes: string;
  headersTimeout: string;
  requestTimeout: string;
  keepAliveTimeout: string;
  idleTimeout: string;
  maxConnections: string;
}

export function serveCommand(program: Command, deps: CliDeps): void {
  const command = program
    .command('serve')
    .description('serve the App Store Connect API endpoints over the store')
    .addOption(
      new Option('--listen <host:port>', 'address to listen on')
        .env('BETA_METRICS_LISTEN')
        .default(DEFAULT_LISTEN),
    )
    .addOption(
      new Option('--public-url <url>', 'base URL of links in answers (default: the address listened on)').env(
        'BETA_METRICS_PUBLIC_URL',
      ),
    )
    .addOption(
      new Option(
        '--now <instant>',
        "fix the report date, e.g. 2023-10-05T12:00:00Z (default: today; the demo's date with --demo)",
      ).env('BETA_METRICS_NOW'),
    )
    .option(
      '--demo',
      "load the demo data (the page's apps and testers) on first start and print a curl command",
    )
    .option(
      '--demo-testers <n>',
      "with --demo: testers of the demo's second app when the demo is first loaded (default 301), e.g. 10000",
    )
    .addOption(
      new Option('--rate-limit <n>', 'requests per key per rolling hour; 0 turns limiting off')
        .env('BETA_METRICS_RATE_LIMIT')
        .default(String(DEFAULT_RATE_LIMIT)),
    )
    .addOption(new Option('--log-level <level>', 'log level').env('BETA_METRICS_LOG_LEVEL').default('info'))
    .addOption(
      new Option('--ingest-max-events <n>', 'events per ingestion request')
        .env('BETA_METRICS_INGEST_MAX_EVENTS')
        .default(String(DEFAULT_INGESTION_LIMITS.maxEvents)),
    )
    .addOption(
      new Option('--ingest-max-bytes <n>', 'bytes per ingestion request, uncompressed')
        .env('BETA_METRICS_INGEST_MAX_BYTES')
        .default(String(DEFAULT_INGESTION_LIMITS.maxBytes)),
    )
    .addOption(
      new Option('--ingest-max-concurrent <n>', 'ingestion requests of one app read and written at once')
        .env('BETA_METRICS_INGEST_MAX_CONCURRENT')
        .default(String(DEFAULT_INGESTION_LIMITS.maxConcurrentBatches)),
    )
    .addOption(
      new Option(
        '--max-screenshot-bytes <n>',
        'bytes of one uploaded screenshot (POST /ingest/v1/screenshots)',
      )
        .env('BETA_METRICS_MAX_SCREENSHOT_BYTES')
        .default(String(DEFAULT_INGESTION_LIMITS.maxScreenshotBytes)),
    )
    .addOption(
      new Option('--max-crash-log-bytes <n>', "UTF-8 bytes of a crash event's crashLog")
        .env('BETA_METRICS_MAX_CRASH_LOG_BYTES')
        .default(String(DEFAULT_INGESTION_LIMITS.maxCrashLogBytes)),
    )
    .addOption(retentionOption())
    .addOption(
      new Option('--headers-timeout <ms>', 'ms for the request line and headers to arrive')
        .env('BETA_METRICS_HEADERS_TIMEOUT')
        .default(String(DEFAULT_CONNECTION_LIMITS.headersTimeoutMs)),
    )
    .addOption(
      new Option('--request-timeout <ms>', 'ms for the whole request, body included, to arrive')
        .env('BETA_METRICS_REQUEST_TIMEOUT')
        .default(String(DEFAULT_CONNECTION_LIMITS.requestTimeoutMs)),
    )
    .addOption(
      new Option('--keep-alive-timeout <ms>', 'ms a kept-alive connection may wait for its next request')
        .env('BETA_METRICS_KEEP_ALIVE_TIMEOUT')
        .default(String(DEFAULT_CONNECTION_LIMITS.keepAliveTimeoutMs)),
    )
    .addOption(
      new Option('--idle-timeout <ms>', 'ms a connection may see no traffic either way before it is closed')
        .env('BETA_METRICS_IDLE_TIMEOUT')
        .default(String(DEFAULT_CONNECTION_LIMITS.idleTimeoutMs)),
    )
    .addOption(
      new Option('--max-connections <n>', 'open connections of this process; more are closed at once')
        .env('BETA_METRICS_MAX_CONNECTIONS')
        .default(String(DEFAULT_CONNECTION_LIMITS.maxConnections)),
    );
  tlsOptions(command);
  for (const option of serveFaultOptions()) command.addOption(option);
  serveEphemeralOptions(command);
  withJournalOptions(withStoreOptions(command)).action(async (flags: ServeFlags) => {
    if (flags.demoTesters !== undefined && flags.demo !== true)
      throw new InputError('--demo-testers works with --demo only; add --demo, or leave it out');
    const tls = tlsSource(flags);
    const ephemeral = serveEphemeralSettings(flags);
    await deps.serve(
      {
        listen: parseListen(flags.listen),
        store: storeLocation(flags),
        dataDir: flags.dataDir,
        ...(flags.publicUrl !== undefined && { publicUrl: parsePublicUrl(flags.publicUrl) }),
        ...(flags.now !== undefined && { reportTime: parseInstant(flags.now) }),
        demo: flags.demo === true,
        ...(flags.demoTesters !== undefined && {
          demoTesters: parsePositiveInteger('--demo-testers', flags.demoTesters),
        }),
        rateLimit: parseRateLimit(flags.rateLimit),
        logLevel: parseLogLevel(flags.logLevel),
        ingestion: {
          maxEvents: parsePositiveInteger('--ingest-max-events', flags.ingestMaxEvents),
          maxBytes: parsePositiveInteger('--ingest-max-bytes', flags.ingestMaxBytes),
          retentionDays: parsePositiveInteger('--retention-days', flags.retentionDays),
          maxConcurrentBatches: parsePositiveInteger('--ingest-max-concurrent', flags.ingestMaxConcurrent),
          maxScreenshotBytes: parsePositiveInteger('--max-screenshot-bytes', flags.maxScreenshotBytes),
          maxCrashLogBytes: parsePositiveInteger('--max-crash-log-bytes', flags.maxCrashLogBytes),
        },
        connectionLimits: connectionLimits(flags),
        journal: journalLimits(flags),
        ...(tls !== undefined && { tls }),
        ...serveFaultSettings(flags),
        ...ephemeral,
      },
      {
        // With --print-config, stdout carries the JSON alone.
        info: (line) => (ephemeral.printConfig === undefined ? deps.out.line(line) : deps.out.error(line)),
        progress: (line) => deps.out.progress(line),
        config: (value) => deps.out.json(value),
      },
    );
  });
}

function connectionLimits(flags: ServeFlags): ConnectionLimits {
  const limits = {
    headersTimeoutMs: parseTimeoutMs('--headers-timeout', flags.headersTimeout),
    requestTimeoutMs: parseTimeoutMs('--request-timeout', flags.requestTimeout),
    keepAliveTimeoutMs: parseTimeoutMs('--keep-alive-timeout', flags.keepAliveTimeout),
    idleTimeoutMs: parseTimeoutMs('--idle-timeout', flags.idleTimeout),
    maxConnections: parsePositiveInteger('--max-connections', flags.maxConnections),
  };
  // Node refuses to start with a head timeout longer than the whole request's.
  if (limits.headersTimeoutMs > limits.requestTimeoutMs) {
    throw new InputError(
      `--headers-timeout (${limits.headersTimeoutMs} ms) must not be longer than --request-timeout (${limits.requestTimeoutMs} ms)`,
    );
  }
  return limits;
}

/** `--retention-days`: how long raw events are kept, and how old an incoming event may be. */
export function retentionOption(): Option {
  return new Option('--retention-days <days>', 'days raw events are kept; older incoming events are refused')
    .env('BETA_METRICS_RETENTION_DAYS')
    .default(String(DEFAULT_INGESTION_LIMITS.retentionDays));
}
