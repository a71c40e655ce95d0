import { afterEach, describe, expect, it, vi } from 'vitest';
import type { CliDeps, ServeOptions } from '../cli-deps.js';
import { runCli } from '../run.js';

/** `serve --allow-faults` as it reaches the composition root: parsed in process, nothing served. */

function recording() {
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

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('serve: --allow-faults', () => {
  it('is off unless given', async () => {
    const { deps, served } = recording();
    expect(await runCli(['serve'], deps)).toBe(0);
    expect(served[0]?.allowFaults).toBe(false);
  });

  it('is on with the flag, or with BETA_METRICS_ALLOW_FAULTS set to 1 or true', async () => {
    const flagged = recording();
    expect(await runCli(['serve', '--allow-faults'], flagged.deps)).toBe(0);
    expect(flagged.served[0]?.allowFaults).toBe(true);
    for (const value of ['1', 'true', 'TRUE']) {
      vi.stubEnv('BETA_METRICS_ALLOW_FAULTS', value);
      const { deps, served } = recording();
      expect(await runCli(['serve'], deps)).toBe(0);
      expect(served[0]?.allowFaults, value).toBe(true);
    }
  });

  it('stays off with the variable set to 0 or false, and refuses any other value', async () => {
    for (const value of ['0', 'false', '']) {
      vi.stubEnv('BETA_METRICS_ALLOW_FAULTS', value);
      const { deps, served } = recording();
      expect(await runCli(['serve'], deps)).toBe(0);
      expect(served[0]?.allowFaults, value).toBe(false);
    }
    vi.stubEnv('BETA_METRICS_ALLOW_FAULTS', 'yes please');
    const { deps, served, errors } = recording();
    expect(await runCli(['serve'], deps)).toBe(1);
    expect(served).toEqual([]);
    expect(errors[0]).toContain("BETA_METRICS_ALLOW_FAULTS must be 1, true, 0 or false; it is 'yes please'");
  });
});
