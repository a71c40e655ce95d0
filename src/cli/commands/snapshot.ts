import { performance } from 'node:perf_hooks';
import type { Command } from 'commander';
import { describeStoreLocation } from '../../storage/open-store.js';
import { type CliDeps, withRuntime } from '../cli-deps.js';
import { formatTable } from '../output.js';
import { type StoreFlags, storeLocation, withJsonOption, withStoreOptions } from '../store-options.js';

/**
 * `snapshot save | restore | list | delete`: named snapshots of the whole store, so each test of a suite can
 * start from a known state (services/snapshots.ts). They work on the store directly, while servers run on it:
 * a restore is one transaction, and every server answers the restored data from its next request on.
 */
export function snapshotCommand(program: Command, deps: CliDeps): void {
  const snapshot = program
    .command('snapshot')
    .description('save the whole store under a name, and put it back as saved (safe while servers run)');

  const save = snapshot
    .command('save <name>')
    .description('save a snapshot of the whole store (names: 1 to 64 of A-Z, a-z, 0-9, _ and -)')
    .option('--replace', 'replace a snapshot of that name instead of refusing');
  withJsonOption(withStoreOptions(save)).action(
    async (name: string, flags: StoreFlags & { replace?: boolean }) => {
      await withRuntime(deps, flags, async ({ services }) => {
        const saved = await services.snapshots.save({ name, replace: flags.replace === true });
        if (flags.json) deps.out.json(saved);
        else deps.out.line(`Saved snapshot ${saved.name} of ${where(flags)} at ${saved.savedAt}.`);
      });
    },
  );

  const restore = snapshot
    .command('restore <name>')
    .description(
      'put the whole store back as it was saved under the name; servers on it answer the restored data at once',
    );
  withJsonOption(withStoreOptions(restore)).action(async (name: string, flags: StoreFlags) => {
    await withRuntime(deps, flags, async ({ services }) => {
      const started = performance.now();
      const restored = await services.snapshots.restore(name);
      const tookMs = Math.round(performance.now() - started);
      if (flags.json) deps.out.json({ ...restored, tookMs });
      else
        deps.out.line(
          `Restored snapshot ${restored.name} (saved ${restored.savedAt}) into ${where(flags)} in ${tookMs} ms.`,
        );
    });
  });

  const list = snapshot.command('list').description("list the store's snapshots");
  withJsonOption(withStoreOptions(list)).action(async (flags: StoreFlags) => {
    await withRuntime(deps, flags, async ({ services }) => {
      const all = await services.snapshots.list();
      if (flags.json) deps.out.json(all);
      else if (all.length === 0)
        deps.out.line("No snapshots yet; save one with 'beta-metrics snapshot save NAME'.");
      else
        deps.out.line(
          formatTable(
            ['NAME', 'SAVED'],
            all.map((saved) => [saved.name, saved.savedAt]),
          ),
        );
    });
  });

  const remove = snapshot.command('delete <name>').description('delete a snapshot');
  withJsonOption(withStoreOptions(remove)).action(async (name: string, flags: StoreFlags) => {
    await withRuntime(deps, flags, async ({ services }) => {
      await services.snapshots.delete(name);
      if (flags.json) deps.out.json({ name, deleted: true });
      else deps.out.line(`Deleted snapshot ${name}.`);
    });
  });
}

function where(flags: StoreFlags): string {
  return describeStoreLocation(storeLocation(flags));
}
