import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import type { Writable } from 'node:stream';
import type { Command } from 'commander';
import { type ExportCounts, exportRecords } from '../../services/export-records.js';
import { InputError } from '../../services/input-error.js';
import { type CliDeps, withRuntime } from '../cli-deps.js';
import { type StoreFlags, withStoreOptions } from '../store-options.js';

/** `export --app ID [--out FILE]`: an app, its testers and its events as import lines (docs/import-format.md). */
export function exportCommand(program: Command, deps: CliDeps): void {
  const command = program
    .command('export')
    .description("write an app, its testers and its events as NDJSON that 'import' reads back")
    .requiredOption('--app <appId>', 'the app id')
    .option('--out <file>', 'write to this file (replaced) instead of standard output');
  withStoreOptions(command).action(async (flags: StoreFlags & { app: string; out?: string }) => {
    await withRuntime(deps, flags, async ({ store }) => {
      const target =
        flags.out === undefined
          ? lineWriter(() => Promise.resolve(process.stdout), 'standard output', false)
          : lineWriter(() => openFile(flags.out ?? ''), `'${flags.out}'`, true);
      const counts = await exportRecords(store, flags.app, target.write);
      await target.end();
      if (flags.out !== undefined) {
        deps.out.line(
          `Exported app ${flags.app} to ${flags.out}: ${plural(counts.testers, 'tester')}, ${plural(counts.events, 'event')}${resources(counts)}.`,
        );
      }
    });
  });
}

/** The TestFlight resources exported, when there are any: an app without them reads as before. */
function resources(counts: ExportCounts): string {
  const parts = [
    [counts.preReleaseVersions, 'pre-release version'],
    [counts.builds, 'build'],
    [counts.groups, 'group'],
    [counts.screenshotFeedback + counts.crashFeedback, 'feedback submission'],
    [counts.screenshotContent, 'stored screenshot'],
  ] as const;
  const shown = parts.filter(([n]) => n > 0).map(([n, noun]) => plural(n, noun));
  return shown.length === 0 ? '' : `, ${shown.join(', ')}`;
}

function plural(n: number, noun: string): string {
  return `${n.toLocaleString('en-US')} ${noun}${n === 1 ? '' : 's'}`;
}

const FLUSH_AT = 64 * 1024;

/**
 * Lines to a stream in chunks, waiting when the stream is full, so memory stays flat whatever the export's
 * size. The stream is opened at the first line: an export that fails first (an unknown app) leaves no file.
 */
function lineWriter(openStream: () => Promise<Writable>, name: string, endStream: boolean) {
  let stream: Writable | undefined;
  let failure: unknown;
  let buffered = '';
  const failed = (error: unknown) =>
    new InputError(`cannot write to ${name}: ${error instanceof Error ? error.message : String(error)}`);
  const flush = async () => {
    if (stream === undefined) {
      stream = await openStream();
      stream.on('error', (error) => {
        failure = error;
      });
    }
    if (failure !== undefined) throw failed(failure);
    const chunk = buffered;
    buffered = '';
    try {
      if (!stream.write(chunk)) await once(stream, 'drain');
    } catch (error) {
      throw failed(error);
    }
  };
  return {
    async write(line: string) {
      buffered += `${line}\n`;
      if (buffered.length >= FLUSH_AT) await flush();
    },
    async end() {
      if (buffered !== '') await flush();
      if (!endStream || stream === undefined) return;
      stream.end();
      try {
        await finished(stream);
      } catch (error) {
        throw failed(error);
      }
    },
  };
}

async function openFile(path: string): Promise<Writable> {
  const stream = createWriteStream(path);
  try {
    await once(stream, 'open');
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    const reason =
      code === 'ENOENT'
        ? 'its folder does not exist'
        : code === 'EACCES'
          ? 'permission denied'
          : error instanceof Error
            ? error.message
            : String(error);
    throw new InputError(`cannot write to '${path}': ${reason}`);
  }
  return stream;
}
