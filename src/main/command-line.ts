import { processOutput } from '../cli/output.js';
import { runCli } from '../cli/run.js';
import { openRuntime } from './compose.js';

// A reader that stops early (`beta-metrics usage | head`) closes the pipe: that ends the output, not in a
// stack trace.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

/**
 * The composition root (loaded by main.ts once it has sized the heap): the CLI, given the means to open a store
 * and to serve it. The server (Fastify, both doors, their routes) is loaded when `serve` runs, not for every
 * other command.
 */
process.exitCode = await runCli(process.argv.slice(2), {
  openRuntime,
  serve: async (options, out) => (await import('./serve.js')).serve(options, out),
  out: processOutput(),
});
