import type { Command } from 'commander';
import { InputError } from '../../services/input-error.js';
import {
  COPIED_TABLES,
  type CopyProgress,
  copyStore,
  describeStoreLocation,
  StoreCopyError,
  type StoreLocation,
  type TableCounts,
} from '../../storage/open-store.js';
import type { CliDeps } from '../cli-deps.js';
import { formatTable } from '../output.js';
import { withJsonOption } from '../store-options.js';

interface CopyFlags {
  readonly from: string;
  readonly to: string;
  readonly json?: boolean;
}

/** Connections a copy needs on each side: one transaction, and one to spare. */
const COPY_POOL_SIZE = 2;

/** `copy --from STORE --to STORE`: a whole store into an empty one, verified by counting every table. */
export function copyCommand(program: Command, deps: CliDeps): void {
  const command = program
    .command('copy')
    .description(
      'copy a whole store (entities, keys, events, rollups, settings) into an empty one and verify the row counts; stop servers using the target first',
    )
    .requiredOption('--from <store>', 'the store to copy: sqlite:DIR (a data directory) or postgres://...')
    .requiredOption(
      '--to <store>',
      'an empty store to copy into (migrated first): sqlite:DIR or postgres://...',
    );
  withJsonOption(command).action(async (flags: CopyFlags) => {
    const from = parseStoreArgument('--from', flags.from);
    const to = parseStoreArgument('--to', flags.to);
    const print = (counts: TableCounts, verified: boolean) => {
      if (flags.json) deps.out.json({ tables: counts, verified });
      else deps.out.line(countsText(from, to, counts, verified));
    };
    let counts: TableCounts;
    try {
      counts = await copyStore(from, to, {
        onProgress: (progress) => deps.out.progress(progressLine(progress)),
      });
    } catch (error) {
      if (!(error instanceof StoreCopyError)) throw error;
      if (error.counts !== undefined) print(error.counts, false);
      throw new InputError(error.message);
    }
    print(counts, true);
  });
}

/** `sqlite:DIR` or a PostgreSQL URL, as --from and --to take them. */
export function parseStoreArgument(option: string, text: string): StoreLocation {
  if (text.startsWith('sqlite:') && text.length > 'sqlite:'.length) return { dataDir: text.slice(7) };
  if (/^postgres(ql)?:\/\/./.test(text)) return { databaseUrl: text, poolSize: COPY_POOL_SIZE };
  throw new InputError(
    `${option} must be sqlite:DIR (a data directory) or a PostgreSQL URL, like sqlite:./.beta-metrics or postgres://user@host:5432/beta_metrics`,
  );
}

function countsText(from: StoreLocation, to: StoreLocation, counts: TableCounts, verified: boolean): string {
  const rows = COPIED_TABLES.map((table) => [table, number(counts[table].from), number(counts[table].to)]);
  return [
    `${verified ? 'Copied' : 'Did not copy'} ${describeStoreLocation(from)} to ${describeStoreLocation(to)}:`,
    formatTable(['TABLE', 'FROM', 'TO'], rows),
    verified
      ? 'Verified: every table has as many rows in the target as in the source.'
      : 'The counts differ: nothing was committed.',
  ].join('\n');
}

function progressLine(progress: CopyProgress): string {
  return `Copying ${progress.table} (table ${progress.tableNumber} of ${progress.tables}): ${number(progress.copied)} of ${number(progress.total)} rows`;
}

function number(n: number): string {
  return n.toLocaleString('en-US');
}
