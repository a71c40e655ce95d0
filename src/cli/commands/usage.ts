import { type Command, Option } from 'commander';
import {
  APPLE_BASE_URL,
  AscApiError,
  type AscClient,
  type BetaTesterRow,
  type BetaTesterUsage,
  type ClientWait,
  type PageProgress,
  type Period,
} from '../../client/index.js';
import type { CliDeps } from '../cli-deps.js';
import {
  type ClientFlags,
  clientOf,
  EXIT_AUTH,
  EXIT_FAILED,
  EXIT_NOT_FOUND,
  EXIT_RATE_LIMITED,
  EXIT_USAGE,
  withClientOptions,
} from '../client-options.js';
import { ExitCodeError } from '../exit-code-error.js';
import type { Output } from '../output.js';
import {
  formatReport,
  joinTesters,
  sortRows,
  USAGE_FORMATS,
  USAGE_SORTS,
  type UsageFormat,
  type UsageSort,
} from './usage-report.js';

const PERIODS: readonly Period[] = ['P7D', 'P30D', 'P90D', 'P365D'];

interface UsageFlags extends ClientFlags {
  app: string;
  period?: Period;
  tester?: string;
  format: UsageFormat;
  sort: UsageSort;
}

/**
 * `usage`: every tester's metrics of an app, all pages, with names and emails, from Apple's API or a
 * beta-metrics server. Needs no store: it is a client.
 */
export function usageCommand(program: Command, deps: CliDeps): void {
  const command = program
    .command('usage')
    .description("print an app's beta tester metrics from Apple's API or a beta-metrics server, every tester")
    .requiredOption('--app <appId>', 'the app id')
    .addOption(
      new Option('--period <period>', "the period (default: the server's, 365 days)").choices(PERIODS),
    )
    .option('--tester <testerId>', 'one tester only')
    .addOption(new Option('--format <format>', 'output format').choices(USAGE_FORMATS).default('table'))
    .addOption(
      new Option('--sort <key>', 'sessions, crashes, feedback (most first) or tester (by id)')
        .choices(USAGE_SORTS)
        .default('tester'),
    );
  withClientOptions(command, APPLE_BASE_URL)
    .addHelpText(
      'after',
      '\nExit codes: 0 ok, 1 failed, 2 usage error, 3 auth error (401/403), 4 not found (404), ' +
        '5 rate limited after retries.',
    )
    .action(async (flags: UsageFlags) => {
      const client = clientOf(flags, APPLE_BASE_URL, { onWait: (wait) => deps.out.progress(waitLine(wait)) });
      const rows = await readReport(client, flags, deps.out);
      const text = formatReport(sortRows(rows, flags.sort), flags.format);
      if (text !== '') deps.out.line(text);
    });
}

async function readReport(client: AscClient, flags: UsageFlags, out: Output) {
  const where = client.baseUrl === APPLE_BASE_URL ? '' : ` from ${client.baseUrl}`;
  try {
    const usages: BetaTesterUsage[] = [];
    for await (const row of client.betaTesterUsages(flags.app, {
      ...(flags.period !== undefined && { period: flags.period }),
      ...(flags.tester !== undefined && { testerId: flags.tester }),
      onPage: (progress) =>
        out.progress(`Reading the metrics of app ${flags.app}${where}: ${counted(progress)}`),
    })) {
      usages.push(row);
    }
    const testers: BetaTesterRow[] = [];
    if (usages.length > 0) {
      for await (const tester of client.betaTesters({
        appId: flags.app,
        ...(flags.tester !== undefined && { ids: [flags.tester] }),
        onPage: (progress) => out.progress(`Reading the testers of app ${flags.app}: ${counted(progress)}`),
      })) {
        testers.push(tester);
      }
    }
    return joinTesters(usages, testers);
  } catch (error) {
    if (error instanceof AscApiError) throw commandError(error, client.baseUrl);
    throw error;
  }
}

const counted = (progress: PageProgress) =>
  `${progress.rows}${progress.total === undefined ? '' : ` of ${progress.total}`} (page ${progress.pages})`;

function waitLine(wait: ClientWait): string {
  const seconds = `${Math.ceil(wait.delayMs / 1000)} s`;
  if (wait.reason === 'rate-budget') {
    const left = wait.budget === undefined ? '' : ` (${wait.budget.remaining} of ${wait.budget.limit} left)`;
    return `The hourly request budget is low${left}: waiting ${seconds} before the next request`;
  }
  const what = wait.status === undefined ? 'no answer' : `a ${wait.status}`;
  return `Got ${what} (attempt ${wait.attempt ?? 1}): retrying in ${seconds}`;
}

/** The exit code scripts can tell apart, and a line that says what to do. */
function commandError(error: AscApiError, baseUrl: string): ExitCodeError {
  const hints: Record<number, [number, string]> = {
    400: [EXIT_USAGE, 'the server refused the parameters'],
    401: [EXIT_AUTH, 'check --key-id, --issuer-id and the key file (a revoked key is refused too)'],
    403: [
      EXIT_AUTH,
      "the key's role cannot read TestFlight metrics (ADMIN, APP_MANAGER, DEVELOPER, MARKETING can)",
    ],
    404: [EXIT_NOT_FOUND, `check the app id, and that ${baseUrl} is the server that has it`],
    429: [EXIT_RATE_LIMITED, "the key's hourly request budget is spent even after retrying; try again later"],
  };
  const [exitCode, hint] = hints[error.status] ?? [
    EXIT_FAILED,
    error.status === 0 ? `cannot reach ${baseUrl}` : 'the server failed',
  ];
  return new ExitCodeError(exitCode, `${error.message}; ${hint}`, { cause: error });
}
