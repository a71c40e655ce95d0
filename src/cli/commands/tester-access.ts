import type { Command } from 'commander';
import { visibleText } from '../../domain/visible-text.js';
import { repeated } from '../attribute-options.js';
import { type CliDeps, withRuntime } from '../cli-deps.js';
import { type StoreFlags, withJsonOption, withStoreOptions } from '../store-options.js';

/**
 * `testers remove | delete | invite`: a tester leaves apps, is deleted, or is invited again. Each calls the
 * service method the API's operation of the same effect calls (http/resources/write-operations.ts), so the
 * CLI has no write path of its own.
 */
export function testerAccessCommands(testers: Command, deps: CliDeps): void {
  // betaTesters_apps_deleteToManyRelationship
  const remove = testers
    .command('remove')
    .description(
      "take a tester out of apps: their groups and builds of those apps too (they stay in others')",
    )
    .argument('<testerId>', 'the tester id')
    .requiredOption('--app <appId>', 'an app the tester leaves (repeat for more)', repeated);
  withJsonOption(withStoreOptions(remove)).action(
    async (testerId: string, flags: StoreFlags & { app: string[] }) => {
      await withRuntime(deps, flags, async ({ services }) => {
        await services.betaTesters.removeFromApps(testerId, flags.app);
        if (flags.json) deps.out.json({ id: testerId, removedFromAppIds: flags.app });
        else
          deps.out.line(
            visibleText(
              `Removed tester ${testerId} from ${flags.app.length === 1 ? 'app' : 'apps'} ${flags.app.join(', ')}, with their groups and builds there.`,
            ),
          );
      });
    },
  );

  // betaTesters_deleteInstance
  const deleteTester = testers
    .command('delete')
    .description('delete a tester: they leave every app, group and build; their past usage keeps counting')
    .argument('<testerId>', 'the tester id');
  withJsonOption(withStoreOptions(deleteTester)).action(async (testerId: string, flags: StoreFlags) => {
    await withRuntime(deps, flags, async ({ services }) => {
      await services.betaTesters.delete(testerId);
      if (flags.json) deps.out.json({ id: testerId, deleted: true });
      else
        deps.out.line(
          visibleText(
            `Deleted tester ${testerId}; their usage still counts in the totals of builds and apps.`,
          ),
        );
    });
  });

  // betaTesterInvitations_createInstance
  const invite = testers
    .command('invite')
    .description('send a tester of an app their invitation again (INVITED again unless installed or revoked)')
    .argument('<testerId>', 'the tester id')
    .requiredOption('--app <appId>', 'the app id');
  withJsonOption(withStoreOptions(invite)).action(
    async (testerId: string, flags: StoreFlags & { app: string }) => {
      await withRuntime(deps, flags, async ({ services }) => {
        const invitation = await services.betaTesters.invite({ appId: flags.app, betaTesterId: testerId });
        const tester = await services.betaTesters.find(testerId);
        const state = tester?.apps.find((app) => app.appId === flags.app)?.state ?? 'INVITED';
        if (flags.json) deps.out.json({ invitationId: invitation.id, testerId, appId: flags.app, state });
        else
          deps.out.line(
            visibleText(
              `Invited tester ${testerId} to app ${flags.app} again (invitation ${invitation.id}; ${state}).`,
            ),
          );
      });
    },
  );
}
