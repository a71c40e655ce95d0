import { type Command, Option } from 'commander';
import { DEFAULT_DATA_DIR } from './option-parsers.js';

/** The flags of every command that works on a store (`--data-dir`), and `--json` where it applies. */
export interface StoreFlags {
  readonly dataDir: string;
  readonly json?: boolean;
}

export function withStoreOptions(command: Command): Command {
  return command.addOption(
    new Option('--data-dir <dir>', 'the embedded store directory')
      .env('BETA_METRICS_DATA_DIR')
      .default(DEFAULT_DATA_DIR),
  );
}

export function withJsonOption(command: Command): Command {
  return command.option('--json', 'print one JSON value on stdout instead of prose');
}
