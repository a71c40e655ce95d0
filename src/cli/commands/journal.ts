import { setTimeout as sleep } from 'node:timers/promises';
import type { Command } from 'commander';
import { AscApiError, type AscClient } from '../../client/index.js';
import type { JournalEntry } from '../../services/request-journal.js';
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
import { formatTable, type Output } from '../output.js';

/** Where `serve` listens unless told otherwise. */
export const LOCAL_BASE_URL = 'http://127.0.0.1:8080';
const JOURNAL_PATH = '/_beta-metrics/journal';
const FOLLOW_EVERY_MS = 1000;

interface JournalFlags extends ClientFlags {
  operation?: string;
  byKey?: string;
  status?: string;
  method?: string;
  since?: string;
  limit?: string;
  json?: boolean;
  follow?: boolean;
}

/** One entry as GET /_beta-metrics/journal answers it: the journal's entry, as JSON. */
type JournalEntryJson = JournalEntry;

interface JournalPage {
  readonly data: JournalEntryJson[];
  readonly meta: { readonly nextSince: number };
}

/**
 * `journal`: the requests a running server answered, from its request journal (GET /_beta-metrics/journal,
 * an ADMIN key), for a test to see what a tool called. A client like `usage`: it needs no store.
 */
export function journalCommand(program: Command, deps: CliDeps): void {
  const command = program
    .command('journal')
    .description("print the requests a running server answered, from its request journal (an ADMIN key's)")
    .option('--operation <ids>', 'only these operations, comma-separated (apps_getCollection, ...)')
    .option('--by-key <keyIds>', 'only requests made with these API or ingest key ids, comma-separated')
    .option('--status <codes>', 'only these statuses, comma-separated (429,500)')
    .option('--method <methods>', 'only these methods, comma-separated (GET,POST)')
    .option('--since <seq>', 'only entries after this sequence number')
    .option('--limit <n>', "at most this many entries, 1 to 1000 (the server's default: 100)")
    .option('--json', 'one JSON object a line, as the server answers each entry')
    .option('--follow', 'go on printing new entries as they come (polls every second) until Ctrl-C');
  withClientOptions(command, LOCAL_BASE_URL)
    .addHelpText(
      'after',
      '\nExit codes: 0 ok, 1 failed, 2 usage error (or a 400), 3 auth error (401/403), 4 no journal at the ' +
        'base URL (404), 5 rate limited.',
    )
    .action(async (flags: JournalFlags) => {
      // One attempt, and not for a minute: a server that is not there should be said so at once.
      const client = clientOf(flags, LOCAL_BASE_URL, { retry: { maxAttempts: 1 }, timeoutMs: 10_000 });
      const printer = entryPrinter(deps.out, flags.json === true, flags.follow === true);
      try {
        if (flags.follow === true) await follow(client, flags, printer);
        else {
          const page = await readPage(client, flags, flags.since);
          if (page.data.length === 0 && flags.json !== true)
            deps.out.line('No requests in the journal match.');
          else printer(page.data);
        }
      } catch (error) {
        if (error instanceof AscApiError) throw commandError(error, client.baseUrl);
        throw error;
      }
    });
}

/** Polls with `since` until SIGINT; a full page is followed at once by the next. */
async function follow(
  client: AscClient,
  flags: JournalFlags,
  print: (entries: readonly JournalEntryJson[]) => void,
): Promise<void> {
  const stop = new AbortController();
  const onSignal = () => stop.abort();
  process.once('SIGINT', onSignal);
  try {
    let since = flags.since;
    while (!stop.signal.aborted) {
      const page = await readPage(client, flags, since);
      if (stop.signal.aborted) break;
      print(page.data);
      since = String(page.meta.nextSince);
      const full = flags.limit !== undefined && page.data.length >= Number(flags.limit);
      if (!full) await sleep(FOLLOW_EVERY_MS, undefined, { signal: stop.signal }).catch(() => {});
    }
  } finally {
    process.removeListener('SIGINT', onSignal);
  }
}

async function readPage(client: AscClient, flags: JournalFlags, since: string | undefined) {
  const query = new URLSearchParams();
  if (flags.operation !== undefined) query.set('operation', flags.operation);
  if (flags.byKey !== undefined) query.set('keyId', flags.byKey);
  if (flags.status !== undefined) query.set('status', flags.status);
  if (flags.method !== undefined) query.set('method', flags.method);
  if (since !== undefined) query.set('since', since);
  if (flags.limit !== undefined) query.set('limit', flags.limit);
  const text = query.toString();
  const body = await client.getJson(text === '' ? JOURNAL_PATH : `${JOURNAL_PATH}?${text}`);
  const page = body as Partial<JournalPage> | null;
  if (!Array.isArray(page?.data) || typeof page?.meta?.nextSince !== 'number') {
    throw new ExitCodeError(
      EXIT_FAILED,
      `${client.baseUrl}${JOURNAL_PATH} did not answer a journal; check --base-url`,
    );
  }
  return page as JournalPage;
}

const HEADERS = ['SEQ', 'AT', 'METHOD', 'STATUS', 'MS', 'KEY', 'OPERATION', 'ERRORS', 'PATH'] as const;
/** With --follow, columns keep at least these widths, so batches printed apart still line up. */
const FOLLOW_WIDTHS = [5, 24, 7, 6, 7, 10, 32, 24, 0];

/** Prints entries as JSON lines, or as table rows (with --follow, the header once and steady columns). */
function entryPrinter(out: Output, json: boolean, following: boolean) {
  let headerShown = false;
  return (entries: readonly JournalEntryJson[]) => {
    if (json) {
      for (const entry of entries) out.json(entry);
      return;
    }
    if (entries.length === 0) return;
    const rows = entries.map((entry) =>
      journalRow(entry).map((cell, i) => (following ? cell.padEnd(FOLLOW_WIDTHS[i] ?? 0) : cell)),
    );
    const lines = formatTable(HEADERS, rows).split('\n');
    out.line((headerShown ? lines.slice(1) : lines).join('\n'));
    headerShown = following;
  };
}

/** One entry as a row of the table; the path with its query decoded (formatTable escapes what it holds). */
export function journalRow(entry: JournalEntryJson): string[] {
  const query = entry.query.map(([name, value]) => `${name}=${value}`).join('&');
  return [
    String(entry.seq),
    entry.at,
    entry.method,
    String(entry.status),
    String(entry.durationMs),
    entry.keyId ?? '',
    entry.operation ?? '',
    entry.aborted === true ? 'aborted' : (entry.errorCodes ?? []).join(','),
    query === '' ? entry.path : `${entry.path}?${query}`,
  ];
}

/** The exit code scripts can tell apart, and a line that says what to do. */
function commandError(error: AscApiError, baseUrl: string): ExitCodeError {
  const hints: Record<number, [number, string]> = {
    400: [EXIT_USAGE, 'check the filters (operation ids, statuses, methods as the server lists them)'],
    401: [EXIT_AUTH, 'check --key-id, --issuer-id and the key file (a revoked key is refused too)'],
    403: [
      EXIT_AUTH,
      "the journal needs an ADMIN key; create one with 'beta-metrics keys create --role ADMIN'",
    ],
    404: [EXIT_NOT_FOUND, `${baseUrl} has no request journal; check --base-url (a beta-metrics server)`],
    429: [EXIT_RATE_LIMITED, "the key's hourly request budget is spent; use another ADMIN key, or wait"],
  };
  const [exitCode, hint] = hints[error.status] ?? [
    EXIT_FAILED,
    error.status === 0
      ? `cannot reach ${baseUrl}; start it with 'beta-metrics serve', or pass --base-url (BETA_METRICS_BASE_URL)`
      : 'the server failed',
  ];
  return new ExitCodeError(exitCode, `${error.message}; ${hint}`, { cause: error });
}
