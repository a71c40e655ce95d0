import { processOutput } from '../cli/output.js';
import { runCli } from '../cli/run.js';
import { openRuntime } from './compose.js';
import { serve } from './serve.js';

// A reader that stops early (`beta-metrics usage | head`) closes the pipe: that ends the output, not in a
// stack trace.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

/** The composition root (loaded by main.ts): the CLI, given the means to open a store and to serve it. */
process.exitCode = await runCli(process.argv.slice(2), { openRuntime, serve, out: processOutput() });
