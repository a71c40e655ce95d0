import type { Command } from 'commander';
import { visibleText } from '../../domain/visible-text.js';
import { type CliDeps, withRuntime } from '../cli-deps.js';
import { formatTable } from '../output.js';
import { type StoreFlags, withJsonOption, withStoreOptions } from '../store-options.js';

/** `versions create | list`: an app's pre-release versions (CFBundleShortVersionString), which builds belong to. */
export function versionsCommand(program: Command, deps: CliDeps): void {
  const versions = program.command('versions').description("create and list an app's pre-release versions");

  const create = versions
    .command('create')
    .description('create a pre-release version of an app')
    .requiredOption('--app <appId>', 'the app id')
    .requiredOption('--number <version>', 'the version (CFBundleShortVersionString), like 1.5')
    .option('--platform <platform>', 'IOS, MAC_OS, TV_OS or VISION_OS', 'IOS')
    .option('--id <id>', 'its id (default: a new UUID)');
  withJsonOption(withStoreOptions(create)).action(
    async (flags: StoreFlags & { app: string; number: string; platform: string; id?: string }) => {
      await withRuntime(deps, flags, async ({ services }) => {
        const version = await services.builds.createPreReleaseVersion({
          appId: flags.app,
          version: flags.number,
          platform: flags.platform,
          ...(flags.id !== undefined && { id: flags.id }),
        });
        if (flags.json) deps.out.json(version);
        else
          deps.out.line(
            visibleText(
              `Created version ${version.version} (${version.platform}) of app ${version.appId}, id ${version.id}. Add builds: beta-metrics builds create --app ${version.appId} --number BUILD --pre-release-version ${version.id}`,
            ),
          );
      });
    },
  );

  const list = versions
    .command('list')
    .description("list an app's pre-release versions")
    .requiredOption('--app <appId>', 'the app id');
  withJsonOption(withStoreOptions(list)).action(async (flags: StoreFlags & { app: string }) => {
    await withRuntime(deps, flags, async ({ services }) => {
      const all = await services.builds.listPreReleaseVersions(flags.app);
      if (flags.json) deps.out.json(all);
      else if (all.length === 0)
        deps.out.line(
          `App ${flags.app} has no pre-release versions yet; create one with 'beta-metrics versions create'.`,
        );
      else
        deps.out.line(
          formatTable(
            ['ID', 'VERSION', 'PLATFORM'],
            all.map((v) => [v.id, v.version, v.platform]),
          ),
        );
    });
  });
}
