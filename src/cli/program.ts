import { Command } from 'commander';
import type { CliDeps } from './cli-deps.js';
import { appsCommand } from './commands/apps.js';
import { buildsCommand } from './commands/builds.js';
import { feedbackCommand } from './commands/feedback.js';
import { groupsCommand } from './commands/groups.js';
import { copyCommand } from './commands/copy.js';
import { dashboardLinkCommand } from './commands/dashboard-link.js';
import { exportCommand } from './commands/export.js';
import { faultsCommand } from './commands/faults.js';
import { importCommand } from './commands/import.js';
import { ingestKeysCommand } from './commands/ingest-keys.js';
import { journalCommand } from './commands/journal.js';
import { keysCommand } from './commands/keys.js';
import { migrateCommand } from './commands/migrate.js';
import { serveCommand } from './commands/serve.js';
import { snapshotCommand } from './commands/snapshot.js';
import { testersCommand } from './commands/testers.js';
import { versionsCommand } from './commands/versions.js';
import { tokenCommand } from './commands/token.js';
import { usageCommand } from './commands/usage.js';

export const VERSION = '0.1.0';

/** `beta-metrics <command>`: thin commands over the services. */
export function buildProgram(deps: CliDeps): Command {
  const program = new Command('beta-metrics')
    .description("A self-hostable App Store Connect API for beta testers' usage metrics")
    .version(VERSION)
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({
      writeOut: (text) => process.stdout.write(text),
      writeErr: (text) => process.stderr.write(text),
    })
    .exitOverride();
  serveCommand(program, deps);
  keysCommand(program, deps);
  tokenCommand(program, deps);
  appsCommand(program, deps);
  testersCommand(program, deps);
  versionsCommand(program, deps);
  buildsCommand(program, deps);
  groupsCommand(program, deps);
  feedbackCommand(program, deps);
  ingestKeysCommand(program, deps);
  importCommand(program, deps);
  exportCommand(program, deps);
  migrateCommand(program, deps);
  copyCommand(program, deps);
  snapshotCommand(program, deps);
  usageCommand(program, deps);
  dashboardLinkCommand(program, deps);
  journalCommand(program, deps);
  faultsCommand(program, deps);
  for (const command of program.commands) enableExitOverride(command);
  return program;
}

function enableExitOverride(command: Command): void {
  command.exitOverride();
  for (const sub of command.commands) enableExitOverride(sub);
}
