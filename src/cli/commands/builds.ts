import type { Command } from 'commander';
import { visibleText } from '../../domain/visible-text.js';
import type { BuildWithDetails } from '../../domain/records/build.js';
import {
  type AttributeOption,
  attributesFrom,
  repeated,
  sizedImage,
  withAttributeOptions,
} from '../attribute-options.js';
import { type CliDeps, withRuntime } from '../cli-deps.js';
import { formatTable } from '../output.js';
import { type StoreFlags, withJsonOption, withStoreOptions } from '../store-options.js';

/** Apple's Build attributes and its build beta detail's, as `builds create` and `builds set` take them. */
const BUILD_ATTRIBUTES: readonly AttributeOption[] = [
  {
    flag: '--pre-release-version',
    field: 'preReleaseVersionId',
    type: 'nullable',
    description: "the id of its pre-release version ('versions list')",
  },
  {
    flag: '--expiration-date',
    field: 'expirationDate',
    type: 'nullable',
    description: 'expirationDate (ISO 8601)',
  },
  { flag: '--expired', field: 'expired', type: 'boolean', description: 'expired' },
  { flag: '--min-os-version', field: 'minOsVersion', type: 'nullable', description: 'minOsVersion' },
  {
    flag: '--ls-minimum-system-version',
    field: 'lsMinimumSystemVersion',
    type: 'nullable',
    description: 'lsMinimumSystemVersion',
  },
  {
    flag: '--computed-min-mac-os-version',
    field: 'computedMinMacOsVersion',
    type: 'nullable',
    description: 'computedMinMacOsVersion',
  },
  {
    flag: '--computed-min-vision-os-version',
    field: 'computedMinVisionOsVersion',
    type: 'nullable',
    description: 'computedMinVisionOsVersion',
  },
  {
    flag: '--processing-state',
    field: 'processingState',
    type: 'text',
    description: 'PROCESSING, FAILED, INVALID or VALID (default VALID)',
  },
  {
    flag: '--build-audience-type',
    field: 'buildAudienceType',
    type: 'nullable',
    description: 'INTERNAL_ONLY or APP_STORE_ELIGIBLE',
  },
  {
    flag: '--uses-non-exempt-encryption',
    field: 'usesNonExemptEncryption',
    type: 'boolean',
    description: 'usesNonExemptEncryption',
  },
  { flag: '--auto-notify', field: 'autoNotifyEnabled', type: 'boolean', description: 'autoNotifyEnabled' },
  {
    flag: '--internal-state',
    field: 'internalBuildState',
    type: 'text',
    description: 'internalBuildState, like IN_BETA_TESTING (default: from the processing state)',
  },
  {
    flag: '--external-state',
    field: 'externalBuildState',
    type: 'text',
    description: 'externalBuildState, like READY_FOR_BETA_SUBMISSION (default: from the processing state)',
  },
];

const ICON_OPTION = '--icon <templateUrl:width:height>';

/** `builds create | set | add-testers | list`: an app's builds, which events name by their build number. */
export function buildsCommand(program: Command, deps: CliDeps): void {
  const builds = program.command('builds').description("create, change and list an app's builds");

  const create = builds
    .command('create')
    .description('create a build of an app')
    .requiredOption('--app <appId>', 'the app id')
    .requiredOption('--number <build>', 'the build number (CFBundleVersion) events name, like 412')
    .option('--id <id>', 'its id (default: a new UUID)')
    .option('--uploaded-date <instant>', 'uploadedDate (default: now)')
    .option(ICON_OPTION, 'iconAssetToken, like https://example.com/{w}x{h}.png:1024:1024')
    .option('--tester <id>', 'a tester of the app given the build individually (repeat for more)', repeated);
  withAttributeOptions(create, BUILD_ATTRIBUTES);
  withJsonOption(withStoreOptions(create)).action(
    async (
      flags: StoreFlags & {
        app: string;
        number: string;
        id?: string;
        uploadedDate?: string;
        icon?: string;
        tester?: string[];
      },
    ) => {
      await withRuntime(deps, flags, async ({ services }) => {
        const build = await services.builds.create({
          ...attributesFrom(flags, BUILD_ATTRIBUTES),
          ...(flags.icon !== undefined && { iconAssetToken: iconOf(flags.icon) }),
          appId: flags.app,
          version: flags.number,
          ...(flags.id !== undefined && { id: flags.id }),
          ...(flags.uploadedDate !== undefined && { uploadedDate: flags.uploadedDate }),
          ...(flags.tester !== undefined && { individualTesterIds: flags.tester }),
        });
        if (flags.json) deps.out.json(build);
        else
          deps.out.line(
            visibleText(
              `Created build ${build.version} of app ${build.appId}, id ${build.id} (${build.processingState}). Events naming build ${build.version} are accepted.`,
            ),
          );
      });
    },
  );

  const set = builds
    .command('set')
    .description("change a build's attributes; those not given stay as they are")
    .argument('<id>', 'the build id')
    .option(ICON_OPTION, 'iconAssetToken (none: clear it)');
  withAttributeOptions(set, BUILD_ATTRIBUTES);
  withJsonOption(withStoreOptions(set)).action(async (id: string, flags: StoreFlags & { icon?: string }) => {
    await withRuntime(deps, flags, async ({ services }) => {
      const build = await services.builds.update(id, {
        ...attributesFrom(flags, BUILD_ATTRIBUTES),
        ...(flags.icon !== undefined && {
          iconAssetToken: flags.icon === 'none' ? null : iconOf(flags.icon),
        }),
      });
      if (flags.json) deps.out.json(build);
      else
        deps.out.line(visibleText(`Changed build ${build.version} of app ${build.appId} (id ${build.id}).`));
    });
  });

  const addTesters = builds
    .command('add-testers')
    .description('give testers of the app a build individually, outside any group')
    .argument('<id>', 'the build id')
    .requiredOption('--tester <id>', 'a tester id (repeat for more)', repeated);
  withJsonOption(withStoreOptions(addTesters)).action(
    async (id: string, flags: StoreFlags & { tester: string[] }) => {
      await withRuntime(deps, flags, async ({ services }) => {
        const build = await services.builds.addIndividualTesters(id, flags.tester);
        if (flags.json) deps.out.json(build);
        else
          deps.out.line(
            visibleText(`Build ${build.id} now has ${build.individualTesterIds.length} individual testers.`),
          );
      });
    },
  );

  // builds_individualTesters_deleteToManyRelationship
  const removeTesters = builds
    .command('remove-testers')
    .description('take back a build given to testers individually (what their groups give them stays)')
    .argument('<id>', 'the build id')
    .requiredOption('--tester <id>', 'a tester id (repeat for more)', repeated);
  withJsonOption(withStoreOptions(removeTesters)).action(
    async (id: string, flags: StoreFlags & { tester: string[] }) => {
      await withRuntime(deps, flags, async ({ services }) => {
        await services.builds.removeIndividualTesters(id, flags.tester);
        if (flags.json) deps.out.json({ id, removedTesterIds: flags.tester });
        else
          deps.out.line(
            visibleText(`Build ${id} is no longer given individually to ${flags.tester.join(', ')}.`),
          );
      });
    },
  );

  const list = builds
    .command('list')
    .description("list an app's builds")
    .requiredOption('--app <appId>', 'the app id');
  withJsonOption(withStoreOptions(list)).action(async (flags: StoreFlags & { app: string }) => {
    await withRuntime(deps, flags, async ({ services }) => {
      const all = await services.builds.list(flags.app);
      if (flags.json) deps.out.json(all);
      else if (all.length === 0)
        deps.out.line(`App ${flags.app} has no builds yet; create one with 'beta-metrics builds create'.`);
      else
        deps.out.line(
          formatTable(['ID', 'BUILD', 'VERSION ID', 'UPLOADED', 'STATE', 'EXTERNAL'], all.map(row)),
        );
    });
  });
}

function row(build: BuildWithDetails): string[] {
  return [
    build.id,
    build.version,
    build.preReleaseVersionId ?? '',
    build.uploadedAt,
    build.processingState,
    build.betaDetail.externalBuildState,
  ];
}

/** Apple's ImageAsset of a build's icon, from `--icon URL:WIDTH:HEIGHT`. */
function iconOf(text: string): { templateUrl: string; width: number; height: number } {
  const { url, width, height } = sizedImage('--icon', text);
  return { templateUrl: url, width, height };
}
