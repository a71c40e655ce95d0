import type { Command } from 'commander';
import { visibleText } from '../../domain/visible-text.js';
import { type CliDeps, withRuntime } from '../cli-deps.js';
import { formatTable } from '../output.js';
import { type StoreFlags, withJsonOption, withStoreOptions } from '../store-options.js';
import { everyPage } from './every-page.js';

/** `apps create | list`: the operator's own apps, without the demo. */
export function appsCommand(program: Command, deps: CliDeps): void {
  const apps = program.command('apps').description('create and list apps');

  const create = apps
    .command('create')
    .description('create an app')
    .requiredOption('--name <name>', 'the app name')
    .requiredOption('--bundle-id <bundleId>', 'its bundle id, like com.example.app')
    .option('--id <id>', 'its id (default: a new ten-digit id, like Apple assigns)')
    .option('--sku <sku>', 'its SKU (default: the bundle id)')
    .option('--primary-locale <locale>', 'its primary locale', 'en-US');
  withJsonOption(withStoreOptions(create)).action(
    async (
      flags: StoreFlags & {
        name: string;
        bundleId: string;
        id?: string;
        sku?: string;
        primaryLocale: string;
      },
    ) => {
      await withRuntime(deps, flags, async ({ services }) => {
        const app = await services.apps.create({
          name: flags.name,
          bundleId: flags.bundleId,
          ...(flags.id !== undefined && { id: flags.id }),
          ...(flags.sku !== undefined && { sku: flags.sku }),
          primaryLocale: flags.primaryLocale,
        });
        const { id, name, bundleId, sku, primaryLocale } = app;
        if (flags.json) deps.out.json({ id, name, bundleId, sku, primaryLocale });
        else
          deps.out.line(
            visibleText(
              `Created app ${id} "${name}" (${bundleId}). Add testers: beta-metrics testers add --app ${id} --email EMAIL`,
            ),
          );
      });
    },
  );

  const list = apps.command('list').description('list apps');
  withJsonOption(withStoreOptions(list)).action(async (flags: StoreFlags) => {
    await withRuntime(deps, flags, async ({ services }) => {
      const all = await everyPage((after) => services.apps.list({ limit: 200, after, scope: 'apps list' }));
      if (flags.json) {
        deps.out.json(
          all.map(({ id, name, bundleId, sku, primaryLocale }) => ({
            id,
            name,
            bundleId,
            sku,
            primaryLocale,
          })),
        );
      } else if (all.length === 0) {
        deps.out.line(
          "No apps yet; create one with 'beta-metrics apps create --name NAME --bundle-id BUNDLE_ID'.",
        );
      } else {
        deps.out.line(
          formatTable(
            ['ID', 'NAME', 'BUNDLE ID', 'SKU'],
            all.map((a) => [a.id, a.name, a.bundleId, a.sku]),
          ),
        );
      }
    });
  });
}
