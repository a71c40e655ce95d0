import { type Command, Option } from 'commander';
import { InputError } from '../services/input-error.js';
import {
  DEFAULT_JOURNAL_BODY_BYTES,
  DEFAULT_JOURNAL_LIMITS,
  type JournalLimits,
  MAX_JOURNAL_BODY_BYTES,
  MAX_JOURNAL_ENTRIES,
} from '../services/request-journal.js';

/** `serve`'s flags of the request journal (README, "Request journal"). */
export interface JournalFlags {
  readonly journalSize: string;
  /** The bytes to keep of each body: a number, or the preset when the flag is given bare. */
  readonly journalBodies?: string;
}

export function withJournalOptions(command: Command): Command {
  return command
    .addOption(
      new Option('--journal-size <n>', 'requests this node keeps in its request journal; 0 turns it off')
        .env('BETA_METRICS_JOURNAL_SIZE')
        .default(String(DEFAULT_JOURNAL_LIMITS.maxEntries)),
    )
    .addOption(
      new Option(
        '--journal-bodies [bytes]',
        `keep request and response bodies in the journal, up to this many bytes each (bare: ${DEFAULT_JOURNAL_BODY_BYTES})`,
      )
        .env('BETA_METRICS_JOURNAL_BODIES')
        .preset(String(DEFAULT_JOURNAL_BODY_BYTES)),
    );
}

export function journalLimits(flags: JournalFlags): JournalLimits {
  return {
    ...DEFAULT_JOURNAL_LIMITS,
    maxEntries: wholeNumber('--journal-size', flags.journalSize, 0, MAX_JOURNAL_ENTRIES),
    bodyBytes:
      flags.journalBodies === undefined
        ? 0
        : wholeNumber('--journal-bodies', flags.journalBodies, 1, MAX_JOURNAL_BODY_BYTES),
  };
}

function wholeNumber(option: string, text: string, min: number, max: number): number {
  const value = Number(text.trim());
  if (!/^\d{1,9}$/.test(text.trim()) || value < min || value > max) {
    throw new InputError(`'${text}' is not a valid ${option}; use a whole number from ${min} to ${max}`);
  }
  return value;
}
