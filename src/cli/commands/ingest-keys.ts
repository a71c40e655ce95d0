import type { Command } from 'commander';
import { type CliDeps, withRuntime } from '../cli-deps.js';
import { formatTable } from '../output.js';
import { type StoreFlags, withJsonOption, withStoreOptions } from '../store-options.js';

/** `ingest-keys create | list | revoke`: write-only keys a beta app sends its events with. */
export function ingestKeysCommand(program: Command, deps: CliDeps): void {
  const keys = program.command('ingest-keys').description("create, list and revoke apps' ingest keys");

  const create = keys
    .command('create')
    .description('create a key that can send events for one app and read nothing (shown once)')
    .requiredOption('--app <appId>', 'the app whose events it sends');
  withJsonOption(withStoreOptions(create)).action(async (flags: StoreFlags & { app: string }) => {
    await withRuntime(deps, flags, async ({ services }) => {
      const created = await services.ingestKeys.create(flags.app);
      if (flags.json) {
        deps.out.json({ appId: created.appId, key: created.key, id: created.id });
        return;
      }
      deps.out.line(
        `Created ingest key ${created.id} for app ${created.appId}. It is shown once; keep it with the app:`,
      );
      deps.out.line(created.key);
      deps.out.line(`Send events: POST /ingest/v1/events with 'Authorization: Bearer <key>'.`);
    });
  });

  const list = keys
    .command('list')
    .description('list ingest keys (never the keys themselves)')
    .option('--app <appId>', 'one app only');
  withJsonOption(withStoreOptions(list)).action(async (flags: StoreFlags & { app?: string }) => {
    await withRuntime(deps, flags, async ({ services }) => {
      const all = await services.ingestKeys.list(flags.app);
      if (flags.json) deps.out.json(all);
      else if (all.length === 0)
        deps.out.line("No ingest keys yet; create one with 'beta-metrics ingest-keys create --app ID'.");
      else {
        deps.out.line(
          formatTable(
            ['ID', 'APP', 'CREATED', 'REVOKED'],
            all.map((k) => [k.id, k.appId, k.createdAt, k.revokedAt ?? '']),
          ),
        );
      }
    });
  });

  const revoke = keys
    .command('revoke <id>')
    .description('revoke an ingest key: its requests are refused from now on');
  withJsonOption(withStoreOptions(revoke)).action(async (id: string, flags: StoreFlags) => {
    await withRuntime(deps, flags, async ({ services }) => {
      await services.ingestKeys.revoke(id);
      if (flags.json) deps.out.json({ id, revoked: true });
      else deps.out.line(`Revoked ingest key ${id}: its requests are refused from now on.`);
    });
  });
}
