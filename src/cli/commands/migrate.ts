import type { Command } from 'commander';
import { describeStoreLocation, migrateStore } from '../../storage/open-store.js';
import type { CliDeps } from '../cli-deps.js';
import { type StoreFlags, storeLocation, withJsonOption, withStoreOptions } from '../store-options.js';

/** `migrate`: brings the store's schema up to date and exits, so a deploy can migrate before nodes start. */
export function migrateCommand(program: Command, deps: CliDeps): void {
  const command = program
    .command('migrate')
    .description(
      "bring the store's schema up to date, and nothing else (serve and the other commands do it too)",
    );
  withJsonOption(withStoreOptions(command)).action(async (flags: StoreFlags) => {
    const location = storeLocation(flags);
    const applied = await migrateStore(location);
    if (flags.json) {
      deps.out.json({ applied });
      return;
    }
    if (applied.length === 0) deps.out.line(`The schema is up to date (${describeStoreLocation(location)}).`);
    for (const name of applied) deps.out.line(`Applied ${name}`);
  });
}
