import { type Command, Option } from 'commander';
import { DEFAULT_DATA_DIR } from './option-parsers.js';

/** The options every command that works on a store takes, like `serve`. */
export interface StoreOptions {
  readonly dataDir: string;
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
