import { join } from 'node:path';
import { openRuntime } from '../../src/main/compose.js';
import type { CliDeps } from '../../src/cli/cli-deps.js';
import { runCli } from '../../src/cli/run.js';

/** What one in-process command printed: its exit code, its lines and errors, its `--json` value. */
export interface CliRun {
  readonly code: number;
  readonly shown: { readonly lines: string[]; readonly errors: string[] };
  json(): Record<string, unknown>;
}

/**
 * Runs command lines in process, as an operator would type them, on the SQLite store under `dir()` (a function:
 * tests make a fresh directory per test). No server, no mock: the real program over the real store.
 */
export function inProcessCli(dir: () => string): (...args: string[]) => Promise<CliRun> {
  return async (...args) => {
    const { deps, shown } = recordingDeps();
    const code = await runCli([...args, '--data-dir', join(dir(), 'store')], deps);
    return { code, shown, json: () => JSON.parse(shown.lines.at(-1) ?? 'null') as Record<string, unknown> };
  };
}

/** CLI dependencies that run the real program over the real store and record what it prints. */
export function recordingDeps(): { deps: CliDeps; shown: { lines: string[]; errors: string[] } } {
  const shown = { lines: [] as string[], errors: [] as string[] };
  const deps: CliDeps = {
    openRuntime,
    serve: () => Promise.reject(new Error('not served here')),
    out: {
      line: (text) => shown.lines.push(text),
      json: (value) => shown.lines.push(JSON.stringify(value)),
      progress: () => {},
      error: (text) => shown.errors.push(text),
    },
  };
  return { deps, shown };
}
