import { Command } from 'commander';
import type { CliDeps } from './cli-deps.js';

export const VERSION = '0.1.0';

type CommandModule = (program: Command, deps: CliDeps) => void;

/**
 * Each command by its name, in the order `--help` lists them, with the module that declares and runs it. A
 * module is loaded only when its command may run: `serve` starts without the other commands' modules and what
 * they import (import/export, the API client, ...), which Node 20 would otherwise load one by one before the
 * server answers (docs/architecture.md; test/architecture/startup-imports.test.ts keeps them out).
 */
export const COMMANDS: ReadonlyArray<readonly [string, () => Promise<CommandModule>]> = [
  ['serve', async () => (await import('./commands/serve.js')).serveCommand],
  ['keys', async () => (await import('./commands/keys.js')).keysCommand],
  ['token', async () => (await import('./commands/token.js')).tokenCommand],
  ['apps', async () => (await import('./commands/apps.js')).appsCommand],
  ['testers', async () => (await import('./commands/testers.js')).testersCommand],
  ['versions', async () => (await import('./commands/versions.js')).versionsCommand],
  ['builds', async () => (await import('./commands/builds.js')).buildsCommand],
  ['groups', async () => (await import('./commands/groups.js')).groupsCommand],
  ['feedback', async () => (await import('./commands/feedback.js')).feedbackCommand],
  ['ingest-keys', async () => (await import('./commands/ingest-keys.js')).ingestKeysCommand],
  ['import', async () => (await import('./commands/import.js')).importCommand],
  ['export', async () => (await import('./commands/export.js')).exportCommand],
  ['migrate', async () => (await import('./commands/migrate.js')).migrateCommand],
  ['copy', async () => (await import('./commands/copy.js')).copyCommand],
  ['snapshot', async () => (await import('./commands/snapshot.js')).snapshotCommand],
  ['usage', async () => (await import('./commands/usage.js')).usageCommand],
  ['dashboard-link', async () => (await import('./commands/dashboard-link.js')).dashboardLinkCommand],
  ['journal', async () => (await import('./commands/journal.js')).journalCommand],
  ['faults', async () => (await import('./commands/faults.js')).faultsCommand],
];

/**
 * `beta-metrics <command>`: thin commands over the services. When `argv` starts with a command's name, only
 * that command is declared: commander dispatches on the first word, and a command's help, options and errors
 * never mention its siblings, so it reads the same. Anything else (`--help`, `help serve`, a typo commander
 * suggests a name for) gets every command.
 */
export async function buildProgram(deps: CliDeps, argv: readonly string[] = []): Promise<Command> {
  const program = new Command('beta-metrics')
    .description("A self-hostable App Store Connect API for beta testers' usage metrics")
    .version(VERSION)
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({
      writeOut: (text) => process.stdout.write(text),
      writeErr: (text) => process.stderr.write(text),
    })
    .exitOverride();
  const named = COMMANDS.filter(([name]) => name === argv[0]);
  for (const [, load] of named.length > 0 ? named : COMMANDS) (await load())(program, deps);
  for (const command of program.commands) enableExitOverride(command);
  return program;
}

function enableExitOverride(command: Command): void {
  command.exitOverride();
  for (const sub of command.commands) enableExitOverride(sub);
}
