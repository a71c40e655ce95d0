#!/usr/bin/env node
import { processOutput } from './cli/output.js';
import { runCli } from './cli/run.js';
import { openRuntime } from './main/compose.js';
import { serve } from './main/serve.js';

/** The composition root: the CLI, given the means to open a store and to serve it. */
process.exitCode = await runCli(process.argv.slice(2), { openRuntime, serve, out: processOutput() });
