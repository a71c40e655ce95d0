import { open } from 'node:fs/promises';
import { StringDecoder } from 'node:string_decoder';
import { type Command, Option } from 'commander';
import { visibleText } from '../../domain/visible-text.js';
import { type ImportSummary, importRecords } from '../../services/import-records.js';
import { DEFAULT_INGESTION_LIMITS } from '../../services/ingestion.js';
import { InputError } from '../../services/input-error.js';
import type { CliDeps } from '../cli-deps.js';
import { parseInstant, parsePositiveInteger } from '../option-parsers.js';
import { type StoreFlags, storeLocation, withJsonOption, withStoreOptions } from '../store-options.js';
import { retentionOption } from './serve.js';

interface ImportFlags extends StoreFlags {
  strict?: boolean;
  now?: string;
  retentionDays: string;
  quiet?: boolean;
}

/** `import FILE|-`: apps, testers and usage events from NDJSON (docs/import-format.md), as ingestion takes them. */
export function importCommand(program: Command, deps: CliDeps): void {
  const command = program
    .command('import')
    .argument('<file>', 'an NDJSON file (see docs/import-format.md), or - for standard input')
    .description(
      'load apps, testers and usage events from NDJSON, with the validation and dedup of ingestion',
    )
    .option('--strict', 'stop at the first rejected line: nothing after it is imported')
    .addOption(
      new Option(
        '--now <instant>',
        'fix "now" for judging events (too new, older than retention), e.g. 2023-10-05T12:00:00Z',
      ).env('BETA_METRICS_NOW'),
    )
    .addOption(retentionOption())
    .option('--quiet', 'print no progress and no summary; only the rejected lines, on stderr');
  withJsonOption(withStoreOptions(command)).action(async (file: string, flags: ImportFlags) => {
    const reportTime = flags.now === undefined ? undefined : parseInstant(flags.now);
    const retentionDays = parsePositiveInteger('--retention-days', flags.retentionDays);
    const input = await openInput(file);
    let summary: ImportSummary;
    try {
      const runtime = await deps.openRuntime({
        store: storeLocation(flags),
        ...(reportTime !== undefined && { reportTime }),
        ingestion: { ...DEFAULT_INGESTION_LIMITS, retentionDays },
      });
      try {
        summary = await importRecords(runtime.store, runtime.services, input.lines, {
          strict: flags.strict === true,
          onProgress: (linesRead) => {
            if (!flags.quiet) deps.out.progress(progressLine(linesRead, input.fractionRead()));
          },
        });
      } finally {
        await runtime.close();
      }
    } finally {
      input.close();
    }

    // Reasons quote the file's lines: escaped for the terminal (--json keeps them exact).
    const rejectedList = summary.rejectedLines.map(
      ({ line, reason }) => `  line ${line}: ${visibleText(reason)}`,
    );
    const notListed = summary.rejected - summary.rejectedLines.length;
    if (notListed > 0) rejectedList.push(`  and ${count(notListed)} more`);
    if (flags.json) {
      deps.out.json({ file, ...summary, moreRejectedLines: notListed });
    } else if (flags.quiet) {
      for (const line of rejectedList) deps.out.error(line.trimStart());
    } else {
      deps.out.line(summaryText(input.name, summary, rejectedList));
    }
    if (summary.stoppedAtLine !== undefined) {
      throw new InputError(`line ${summary.stoppedAtLine} was rejected; --strict stopped the import there`);
    }
    if (summary.rejected > 0) {
      throw new InputError(
        `${summary.rejected === 1 ? '1 line was' : `${count(summary.rejected)} lines were`} rejected; every other line was imported`,
      );
    }
  });
}

function summaryText(name: string, summary: ImportSummary, rejectedList: readonly string[]): string {
  const { apps, testers, events } = summary;
  return [
    `Read ${plural(summary.linesRead, 'line')} from ${name}.`,
    `Apps:    ${count(apps.created)} created, ${count(apps.existing)} existing, ${count(apps.rejected)} rejected`,
    `Testers: ${count(testers.added)} added, ${count(testers.existing)} existing, ${count(testers.rejected)} rejected`,
    // The TestFlight resources, for a file that has any: an import of apps, testers and events reads as before.
    ...resourceLines(summary),
    `Events:  ${count(events.accepted)} accepted, ${plural(events.duplicates, 'duplicate')}, ${count(events.rejected)} rejected`,
    ...(rejectedList.length === 0 ? [] : ['Rejected lines:', ...rejectedList]),
    ...(summary.stoppedAtLine === undefined
      ? []
      : [`Stopped at line ${summary.stoppedAtLine} (--strict): nothing after it was imported.`]),
  ].join('\n');
}

function resourceLines(summary: ImportSummary): string[] {
  const sections = [
    ['Versions', summary.preReleaseVersions],
    ['Builds', summary.builds],
    ['Groups', summary.groups],
    ['Stored screenshots', summary.screenshotContent],
    ['Screenshot feedback', summary.screenshotFeedback],
    ['Crash feedback', summary.crashFeedback],
  ] as const;
  return sections
    .filter(([, c]) => c.created + c.existing + c.rejected > 0)
    .map(
      ([name, c]) =>
        `${name}: ${count(c.created)} created, ${count(c.existing)} existing, ${count(c.rejected)} rejected`,
    );
}

function progressLine(linesRead: number, fraction: number | undefined): string {
  const percent =
    fraction === undefined ? '' : ` (${Math.min(100, Math.floor(fraction * 100))}% of the file)`;
  return `Importing: ${plural(linesRead, 'line')} read${percent}`;
}

function plural(n: number, noun: string): string {
  return `${count(n)} ${noun}${n === 1 ? '' : 's'}`;
}

function count(n: number): string {
  return n.toLocaleString('en-US');
}

interface Input {
  /** For messages: the file's path, or "standard input". */
  readonly name: string;
  readonly lines: AsyncIterable<string>;
  /** How much of the file has been read, 0 to 1; undefined for standard input. */
  fractionRead(): number | undefined;
  close(): void;
}

/** Opens the input before the store, so an unreadable file fails with one line and touches nothing. */
async function openInput(file: string): Promise<Input> {
  if (file === '-') {
    return {
      name: 'standard input',
      lines: linesOf(process.stdin, 'standard input'),
      fractionRead: () => undefined,
      close: () => {},
    };
  }
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(file, 'r');
  } catch (error) {
    throw new InputError(`cannot read '${file}': ${reasonOf(error)}`);
  }
  const stats = await handle.stat();
  if (stats.isDirectory()) {
    await handle.close();
    throw new InputError(`cannot read '${file}': it is a directory; give an NDJSON file, or - for stdin`);
  }
  const stream = handle.createReadStream();
  return {
    name: file,
    lines: linesOf(stream, `'${file}'`),
    fractionRead: () => (stats.size > 0 ? stream.bytesRead / stats.size : undefined),
    close: () => stream.destroy(),
  };
}

/** Splits a byte stream into lines (LF or CRLF), decoding UTF-8 across chunk boundaries. */
export async function* linesOf(chunks: AsyncIterable<Buffer | string>, name: string): AsyncGenerator<string> {
  const decoder = new StringDecoder('utf8');
  let rest = '';
  try {
    for await (const chunk of chunks) {
      rest += typeof chunk === 'string' ? chunk : decoder.write(chunk);
      const lines = rest.split('\n');
      rest = lines.pop() ?? '';
      for (const line of lines) yield line.endsWith('\r') ? line.slice(0, -1) : line;
    }
  } catch (error) {
    throw new InputError(`cannot read ${name}: ${reasonOf(error)}`);
  }
  rest += decoder.end();
  if (rest !== '') yield rest.endsWith('\r') ? rest.slice(0, -1) : rest;
}

function reasonOf(error: unknown): string {
  const code = (error as { code?: unknown }).code;
  if (code === 'ENOENT') return 'there is no such file';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EISDIR') return 'it is a directory';
  return error instanceof Error ? error.message : String(error);
}
