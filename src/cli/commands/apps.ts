import type { Command } from 'commander';
import { visibleText } from '../../domain/visible-text.js';
import { type CliDeps, withRuntime } from '../cli-deps.js';
import { type AttributeOption, attributesFrom, withAttributeOptions } from '../attribute-options.js';
import { formatTable } from '../output.js';
import { type StoreFlags, withJsonOption, withStoreOptions } from '../store-options.js';
import { everyPage } from './every-page.js';

/** Apple's remaining App attributes, and whether events may name builds the app does not have. */
const APP_ATTRIBUTES: readonly AttributeOption[] = [
  {
    flag: '--allow-unknown-builds',
    field: 'allowUnknownBuilds',
    type: 'boolean',
    description: 'whether an event naming a build the app does not have creates it (default false: refused)',
  },
  {
    flag: '--accessibility-url',
    field: 'accessibilityUrl',
    type: 'nullable',
    description: 'accessibilityUrl',
  },
  {
    flag: '--made-for-kids',
    field: 'isOrEverWasMadeForKids',
    type: 'boolean',
    description: 'isOrEverWasMadeForKids',
  },
  {
    flag: '--subscription-status-url',
    field: 'subscriptionStatusUrl',
    type: 'nullable',
    description: 'subscriptionStatusUrl',
  },
  {
    flag: '--subscription-status-url-version',
    field: 'subscriptionStatusUrlVersion',
    type: 'nullable',
    description: 'subscriptionStatusUrlVersion: V1 or V2',
  },
  {
    flag: '--sandbox-subscription-status-url',
    field: 'subscriptionStatusUrlForSandbox',
    type: 'nullable',
    description: 'subscriptionStatusUrlForSandbox',
  },
  {
    flag: '--sandbox-subscription-status-url-version',
    field: 'subscriptionStatusUrlVersionForSandbox',
    type: 'nullable',
    description: 'subscriptionStatusUrlVersionForSandbox: V1 or V2',
  },
  {
    flag: '--content-rights-declaration',
    field: 'contentRightsDeclaration',
    type: 'nullable',
    description: 'DOES_NOT_USE_THIRD_PARTY_CONTENT or USES_THIRD_PARTY_CONTENT',
  },
  {
    flag: '--streamlined-purchasing',
    field: 'streamlinedPurchasingEnabled',
    type: 'boolean',
    description: 'streamlinedPurchasingEnabled',
  },
];

/** `apps create | set | list`: the operator's own apps, without the demo. */
export function appsCommand(program: Command, deps: CliDeps): void {
  const apps = program.command('apps').description('create, change and list apps');

  const create = apps
    .command('create')
    .description('create an app')
    .requiredOption('--name <name>', 'the app name')
    .requiredOption('--bundle-id <bundleId>', 'its bundle id, like com.example.app')
    .option('--id <id>', 'its id (default: a new ten-digit id, like Apple assigns)')
    .option('--sku <sku>', 'its SKU (default: the bundle id)')
    .option('--primary-locale <locale>', 'its primary locale', 'en-US');
  withAttributeOptions(create, APP_ATTRIBUTES);
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
          ...attributesFrom(flags, APP_ATTRIBUTES),
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

  const set = apps
    .command('set')
    .description("change an app's attributes; those not given stay as they are")
    .argument('<id>', 'the app id')
    .option('--name <name>', 'the app name')
    .option('--sku <sku>', 'its SKU')
    .option('--primary-locale <locale>', 'its primary locale');
  withAttributeOptions(set, APP_ATTRIBUTES);
  withJsonOption(withStoreOptions(set)).action(
    async (id: string, flags: StoreFlags & { name?: string; sku?: string; primaryLocale?: string }) => {
      await withRuntime(deps, flags, async ({ services }) => {
        const app = await services.apps.update(id, {
          ...attributesFrom(flags, APP_ATTRIBUTES),
          ...(flags.name !== undefined && { name: flags.name }),
          ...(flags.sku !== undefined && { sku: flags.sku }),
          ...(flags.primaryLocale !== undefined && { primaryLocale: flags.primaryLocale }),
        });
        if (flags.json) deps.out.json(app);
        else
          deps.out.line(
            visibleText(
              `Changed app ${app.id} "${app.name}"; events naming a build it does not have are ${app.allowUnknownBuilds ? 'accepted and create it' : 'refused'}.`,
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
