import type { CliDeps, ServeOptions } from '../../src/cli/cli-deps.js';

/**
 * CLI dependencies that record the options `serve` would be started with, and the errors printed, instead of
 * serving: `serve`'s flags and variables parsed in process, nothing opened or listened on.
 */
export function recordingServe(): { deps: CliDeps; served: ServeOptions[]; errors: string[] } {
  const served: ServeOptions[] = [];
  const errors: string[] = [];
  const deps: CliDeps = {
    openRuntime: () => Promise.reject(new Error('serve opens its store in serve()')),
    serve: async (options) => {
      served.push(options);
    },
    out: { line: () => {}, json: () => {}, progress: () => {}, error: (text) => errors.push(text) },
  };
  return { deps, served, errors };
}
