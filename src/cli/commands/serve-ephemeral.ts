import { type Command, Option } from 'commander';
import { InputError } from '../../services/input-error.js';

export interface ServeEphemeralFlags {
  ephemeral?: boolean;
  printConfig?: string;
}

/**
 * `--ephemeral`: a stand-in for a test suite of any language, on a fresh temporary store deleted at exit, with
 * faults on demand and an ADMIN key with TESTING made at start; `--print-config json` prints where it listens
 * and that key as one JSON line on stdout (the human lines go to stderr), for a tool to read.
 */
export function serveEphemeralOptions(command: Command): void {
  command
    .option(
      '--ephemeral',
      'serve a fresh temporary store (deleted at exit) with faults on demand and a new ADMIN key with TESTING',
    )
    .addOption(
      new Option(
        '--print-config <format>',
        'with --ephemeral: print the base URL and the key as JSON',
      ).choices(['json']),
    );
}

export function serveEphemeralSettings(flags: ServeEphemeralFlags): {
  ephemeral: boolean;
  printConfig?: 'json';
} {
  if (flags.printConfig !== undefined && flags.ephemeral !== true)
    throw new InputError('--print-config works with --ephemeral only; add --ephemeral, or leave it out');
  return {
    ephemeral: flags.ephemeral === true,
    ...(flags.printConfig === 'json' && { printConfig: 'json' as const }),
  };
}
