import type { Command } from 'commander';
import type { BetaGroupWithMembers } from '../../domain/records/beta-group.js';
import { visibleText } from '../../domain/visible-text.js';
import { type AttributeOption, attributesFrom, withAttributeOptions } from '../attribute-options.js';
import { type CliDeps, withRuntime } from '../cli-deps.js';
import { formatTable } from '../output.js';
import { InputError } from '../../services/input-error.js';
import { type StoreFlags, withJsonOption, withStoreOptions } from '../store-options.js';

/** Apple's BetaGroup attributes, as `groups create` and `groups set` take them. */
const GROUP_ATTRIBUTES: readonly AttributeOption[] = [
  {
    flag: '--all-builds',
    field: 'hasAccessToAllBuilds',
    type: 'boolean',
    description: 'hasAccessToAllBuilds (internal groups)',
  },
  {
    flag: '--public-link',
    field: 'publicLinkEnabled',
    type: 'boolean',
    description: 'publicLinkEnabled: true makes a public link id and URL unless given',
  },
  { flag: '--public-link-id', field: 'publicLinkId', type: 'nullable', description: 'publicLinkId' },
  { flag: '--public-link-url', field: 'publicLink', type: 'nullable', description: 'publicLink (its URL)' },
  {
    flag: '--public-link-limit-enabled',
    field: 'publicLinkLimitEnabled',
    type: 'boolean',
    description: 'publicLinkLimitEnabled',
  },
  {
    flag: '--public-link-limit',
    field: 'publicLinkLimit',
    type: 'integer',
    description: 'publicLinkLimit: testers who may join by the link, 1 to 10000',
  },
  {
    flag: '--feedback',
    field: 'feedbackEnabled',
    type: 'boolean',
    description: 'feedbackEnabled (default true)',
  },
  {
    flag: '--apple-silicon-mac',
    field: 'iosBuildsAvailableForAppleSiliconMac',
    type: 'boolean',
    description: 'iosBuildsAvailableForAppleSiliconMac',
  },
  {
    flag: '--apple-vision',
    field: 'iosBuildsAvailableForAppleVision',
    type: 'boolean',
    description: 'iosBuildsAvailableForAppleVision',
  },
];

const MEMBERS: readonly AttributeOption[] = [
  { flag: '--tester', field: 'testerIds', type: 'list', description: 'a tester of the app in the group' },
  { flag: '--build', field: 'buildIds', type: 'list', description: 'a build of the app the group may test' },
];

/** `groups create | set | add | remove | delete | list`: an app's beta groups, their testers and builds. */
export function groupsCommand(program: Command, deps: CliDeps): void {
  const groups = program.command('groups').description("create, change and list an app's beta groups");

  const create = groups
    .command('create')
    .description('create a beta group of an app')
    .requiredOption('--app <appId>', 'the app id')
    .requiredOption('--name <name>', 'the group name')
    .option('--internal', 'an internal group (default: external)')
    .option('--id <id>', 'its id (default: a new UUID)');
  withAttributeOptions(create, [...GROUP_ATTRIBUTES, ...MEMBERS]);
  withJsonOption(withStoreOptions(create)).action(
    async (flags: StoreFlags & { app: string; name: string; internal?: boolean; id?: string }) => {
      await withRuntime(deps, flags, async ({ services }) => {
        const group = await services.betaGroups.create({
          ...attributesFrom(flags, [...GROUP_ATTRIBUTES, ...MEMBERS]),
          appId: flags.app,
          name: flags.name,
          isInternalGroup: flags.internal === true,
          ...(flags.id !== undefined && { id: flags.id }),
        });
        if (flags.json) deps.out.json(group);
        else deps.out.line(visibleText(`Created ${describe(group)}.`));
      });
    },
  );

  const set = groups
    .command('set')
    .description("change a group's attributes; those not given stay as they are")
    .argument('<id>', 'the group id')
    .option('--name <name>', 'the group name');
  withAttributeOptions(set, GROUP_ATTRIBUTES);
  withJsonOption(withStoreOptions(set)).action(async (id: string, flags: StoreFlags & { name?: string }) => {
    await withRuntime(deps, flags, async ({ services }) => {
      const group = await services.betaGroups.update(id, {
        ...attributesFrom(flags, GROUP_ATTRIBUTES),
        ...(flags.name !== undefined && { name: flags.name }),
      });
      if (flags.json) deps.out.json(group);
      else deps.out.line(visibleText(`Changed ${describe(group)}.`));
    });
  });

  const add = groups
    .command('add')
    .description('add testers and builds of its app to a group')
    .argument('<id>', 'the group id');
  withAttributeOptions(add, MEMBERS);
  withJsonOption(withStoreOptions(add)).action(async (id: string, flags: StoreFlags) => {
    await withRuntime(deps, flags, async ({ services }) => {
      const group = await services.betaGroups.add(id, attributesFrom(flags, MEMBERS));
      if (flags.json) deps.out.json(group);
      else deps.out.line(visibleText(`${describe(group)} now.`));
    });
  });

  // betaGroups_betaTesters_ and betaGroups_builds_deleteToManyRelationship
  const remove = groups
    .command('remove')
    .description('take testers and builds out of a group (the testers stay in the app)')
    .argument('<id>', 'the group id');
  withAttributeOptions(remove, MEMBERS);
  withJsonOption(withStoreOptions(remove)).action(async (id: string, flags: StoreFlags) => {
    const members = attributesFrom(flags, MEMBERS) as { testerIds?: string[]; buildIds?: string[] };
    if (members.testerIds === undefined && members.buildIds === undefined)
      throw new InputError('name what leaves the group: --tester ID or --build ID (repeat for more)');
    await withRuntime(deps, flags, async ({ services }) => {
      await services.betaGroups.remove(id, members);
      const testerIds = members.testerIds ?? [];
      const buildIds = members.buildIds ?? [];
      if (flags.json) deps.out.json({ id, removedTesterIds: testerIds, removedBuildIds: buildIds });
      else
        deps.out.line(
          visibleText(
            `Group ${id} no longer has ${[
              testerIds.length > 0 && `testers ${testerIds.join(', ')}`,
              buildIds.length > 0 && `builds ${buildIds.join(', ')}`,
            ]
              .filter(Boolean)
              .join(' or ')}; the testers stay in the app.`,
          ),
        );
    });
  });

  // betaGroups_deleteInstance
  const deleteGroup = groups
    .command('delete')
    .description('delete a group with its memberships; its testers stay in the app')
    .argument('<id>', 'the group id');
  withJsonOption(withStoreOptions(deleteGroup)).action(async (id: string, flags: StoreFlags) => {
    await withRuntime(deps, flags, async ({ services }) => {
      await services.betaGroups.delete(id);
      if (flags.json) deps.out.json({ id, deleted: true });
      else deps.out.line(visibleText(`Deleted group ${id}; its testers stay in the app.`));
    });
  });

  const list = groups
    .command('list')
    .description("list an app's beta groups")
    .requiredOption('--app <appId>', 'the app id');
  withJsonOption(withStoreOptions(list)).action(async (flags: StoreFlags & { app: string }) => {
    await withRuntime(deps, flags, async ({ services }) => {
      const all = await services.betaGroups.list(flags.app);
      if (flags.json) deps.out.json(all);
      else if (all.length === 0)
        deps.out.line(
          `App ${flags.app} has no beta groups yet; create one with 'beta-metrics groups create'.`,
        );
      else
        deps.out.line(
          formatTable(
            ['ID', 'NAME', 'KIND', 'TESTERS', 'BUILDS', 'PUBLIC LINK'],
            all.map((g) => [
              g.id,
              g.name,
              g.isInternal ? 'internal' : 'external',
              String(g.testerIds.length),
              String(g.buildIds.length),
              g.publicLinkEnabled
                ? `${g.publicLink ?? ''}${g.publicLinkLimitEnabled ? ` (limit ${g.publicLinkLimit})` : ''}`
                : '',
            ]),
          ),
        );
    });
  });
}

function describe(group: BetaGroupWithMembers): string {
  return `${group.isInternal ? 'internal' : 'external'} group ${group.id} "${group.name}" of app ${group.appId} with ${group.testerIds.length} testers and ${group.buildIds.length} builds`;
}
