import type { Command } from 'commander';
import type { TesterWithStates } from '../../domain/records/tester.js';
import { visibleText } from '../../domain/visible-text.js';
import { checkedEmail } from '../../services/beta-tester-writes.js';
import { InputError } from '../../services/input-error.js';
import type { Services } from '../../services/services.js';
import { repeated } from '../attribute-options.js';
import { type CliDeps, withRuntime } from '../cli-deps.js';
import { formatTable } from '../output.js';
import { type StoreFlags, withJsonOption, withStoreOptions } from '../store-options.js';
import { everyPage } from './every-page.js';
import { testerAccessCommands } from './tester-access.js';

type TesterAddFlags = StoreFlags & {
  app: string;
  email: string;
  firstName?: string;
  lastName?: string;
  group?: string[];
  build?: string[];
  id?: string;
};

/**
 * `testers add | set | list | remove | delete | invite`: invite testers to an app; they start INVITED and become
 * INSTALLED by their events.
 */
export function testersCommand(program: Command, deps: CliDeps): void {
  const testers = program.command('testers').description('add, list, remove and invite beta testers');

  const add = testers
    .command('add')
    .description(
      'invite a tester to an app (they start INVITED); with --group or --build, into those groups and builds too',
    )
    .requiredOption('--app <appId>', 'the app id')
    .requiredOption('--email <email>', "the tester's email")
    .option('--first-name <name>', 'first name')
    .option('--last-name <name>', 'last name')
    .option('--group <id>', 'a beta group of the app the tester joins (repeat for more)', repeated)
    .option('--build <id>', 'a build of the app given to the tester individually (repeat for more)', repeated)
    .option('--id <id>', 'the tester id (default: a new UUID; not with --group or --build)');
  withJsonOption(withStoreOptions(add)).action(async (flags: TesterAddFlags) => {
    await withRuntime(deps, flags, async ({ services }) => {
      const { tester, created } = await addTester(services, flags);
      const state = tester.apps.find((membership) => membership.appId === flags.app)?.state ?? 'INVITED';
      if (flags.json) {
        const { id, email, firstName, lastName } = tester;
        deps.out.json({ id, appId: flags.app, email, firstName, lastName, state, created });
        return;
      }
      const joined = [
        flags.group !== undefined && ` in groups ${flags.group.join(', ')}`,
        flags.build !== undefined && ` with builds ${flags.build.join(', ')}`,
      ].filter(Boolean);
      deps.out.line(
        visibleText(
          `${created ? 'Added' : 'Added the existing'} tester ${tester.id} <${tester.email}> to app ${flags.app}${joined.join(',')} (${state}).`,
        ),
      );
    });
  });

  const set = testers
    .command('set')
    .description("set a tester's app devices (Apple's BetaTester.appDevices)")
    .argument('<testerId>', 'the tester id')
    .requiredOption(
      '--app-devices <json>',
      'a JSON list of {model, platform, osVersion, appBuildVersion}, or none to clear them',
    );
  withJsonOption(withStoreOptions(set)).action(
    async (testerId: string, flags: StoreFlags & { appDevices: string }) => {
      await withRuntime(deps, flags, async ({ services }) => {
        let devices: unknown = null;
        if (flags.appDevices !== 'none') {
          try {
            devices = JSON.parse(flags.appDevices) as unknown;
          } catch {
            throw new InputError(
              `--app-devices must be JSON like '[{"model":"iPhone15,2","platform":"IOS"}]', or none`,
            );
          }
        }
        const tester = await services.betaTesters.setAppDevices(testerId, devices);
        if (flags.json) deps.out.json({ id: tester.id, appDevices: tester.appDevices ?? null });
        else
          deps.out.line(
            visibleText(`Set the app devices of tester ${tester.id}: ${tester.appDevices?.length ?? 0}.`),
          );
      });
    },
  );

  const list = testers
    .command('list')
    .description("list an app's testers")
    .requiredOption('--app <appId>', 'the app id');
  withJsonOption(withStoreOptions(list)).action(async (flags: StoreFlags & { app: string }) => {
    await withRuntime(deps, flags, async ({ services }) => {
      if ((await services.apps.find(flags.app)) === undefined) {
        throw new InputError(`there is no app with id '${flags.app}'; list them with 'apps list'`);
      }
      const all = await everyPage((after) =>
        services.betaTesters.list({ appIds: [flags.app], limit: 200, after, scope: 'testers list' }),
      );
      const rows = all.map((t) => ({
        id: t.id,
        email: t.email,
        firstName: t.firstName,
        lastName: t.lastName,
        state: t.apps.find((membership) => membership.appId === flags.app)?.state ?? 'NOT_INVITED',
      }));
      if (flags.json) deps.out.json(rows);
      else if (rows.length === 0)
        deps.out.line(`App ${flags.app} has no testers yet; add one with 'beta-metrics testers add'.`);
      else {
        deps.out.line(
          formatTable(
            ['ID', 'EMAIL', 'NAME', 'STATE'],
            rows.map((r) => [r.id, r.email, [r.firstName, r.lastName].filter(Boolean).join(' '), r.state]),
          ),
        );
      }
    });
  });

  testerAccessCommands(testers, deps);
}

/**
 * With groups or builds, the tester is invited as Apple's betaTesters_createInstance invites (the service the
 * API calls for it): into those groups and builds, which must be of `--app`. Without them the tester joins the
 * app alone, which Apple's create cannot express (docs/apple-behavior.md, §11): the operator's `add`.
 */
async function addTester(
  services: Services,
  flags: TesterAddFlags,
): Promise<{ tester: TesterWithStates; created: boolean }> {
  const names = {
    ...(flags.firstName !== undefined && { firstName: flags.firstName }),
    ...(flags.lastName !== undefined && { lastName: flags.lastName }),
  };
  if (flags.group === undefined && flags.build === undefined)
    return services.betaTesters.add({
      appId: flags.app,
      email: flags.email,
      ...names,
      ...(flags.id !== undefined && { id: flags.id }),
    });
  if (flags.id !== undefined)
    throw new InputError(
      '--id cannot be given with --group or --build: a tester invited into groups or builds gets a new id (or keeps the one of their email); leave out --id',
    );
  // Whether the email was known decides the line printed; the email is checked first (a lookup of NUL fails).
  const email = checkedEmail(flags.email);
  const known = await services.betaTesters.list({ emails: [email], limit: 1, scope: 'testers add' });
  const tester = await services.betaTesters.create({
    appId: flags.app,
    email,
    ...names,
    betaGroupIds: flags.group ?? [],
    buildIds: flags.build ?? [],
  });
  return { tester, created: known.rows.length === 0 };
}
