import { CommanderError } from 'commander';
import { visibleText } from '../domain/visible-text.js';
import { InputError } from '../services/input-error.js';
import { StoreUnavailableError } from '../domain/store-problems.js';
import { StoreOpenError } from '../storage/store-open-error.js';
import type { CliDeps } from './cli-deps.js';
import { ExitCodeError } from './exit-code-error.js';
import { buildProgram } from './program.js';

/**
 * Exit codes: 0 ok, 1 the command failed (the message says why), 2 the command line is wrong; a command may
 * choose others with ExitCodeError.
 */
export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

/**
 * Runs one command line. Errors users can act on are one line on stderr, never a stack trace; an unexpected
 * failure says how to get the stack.
 */
export async function runCli(argv: readonly string[], deps: CliDeps): Promise<number> {
  try {
    const program = await buildProgram(deps, argv);
    await program.parseAsync([...argv], { from: 'user' });
    return EXIT_OK;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
    // Messages may quote input (an import line's email, a name): escaped, one line on the terminal.
    if (error instanceof ExitCodeError) {
      deps.out.error(`beta-metrics: ${visibleText(error.message)}`);
      return error.exitCode;
    }
    if (error instanceof InputError || error instanceof StoreOpenError) {
      deps.out.error(`beta-metrics: ${visibleText(error.message)}`);
      return EXIT_FAILED;
    }
    if (error instanceof StoreUnavailableError) {
      deps.out.error(
        `beta-metrics: the database cannot serve now (${error.cause}); check that it is up, accepts connections, is writable and has free disk space, then run the command again`,
      );
      return EXIT_FAILED;
    }
    const message = error instanceof Error ? error.message : String(error);
    deps.out.error(`beta-metrics: unexpected error: ${visibleText(message)}`);
    if (process.env.BETA_METRICS_DEBUG) deps.out.error(error instanceof Error ? (error.stack ?? '') : '');
    else deps.out.error('Run again with BETA_METRICS_DEBUG=1 to see where it happened, and report it.');
    return EXIT_FAILED;
  }
}
