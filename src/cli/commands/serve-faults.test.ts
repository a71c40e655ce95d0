import { afterEach, describe, expect, it, vi } from 'vitest';
import { recordingServe } from '../../../test/support/serve-options.js';
import { runCli } from '../run.js';

/** `serve --allow-faults` and `--fault-max-latency` as they reach the composition root; nothing served. */

const recording = recordingServe;

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('serve: faults on demand', () => {
  it('are off unless asked for, with a 60 s latency bound', async () => {
    const { deps, served } = recording();
    expect(await runCli(['serve'], deps)).toBe(0);
    expect(served[0]).toMatchObject({ allowFaults: false, faultMaxLatencyMs: 60_000 });
  });

  it('are on with --allow-faults, and take --fault-max-latency', async () => {
    const { deps, served } = recording();
    expect(await runCli(['serve', '--allow-faults', '--fault-max-latency', '5000'], deps)).toBe(0);
    expect(served[0]).toMatchObject({ allowFaults: true, faultMaxLatencyMs: 5000 });
  });

  it('read BETA_METRICS_ALLOW_FAULTS as a switch: 1 is on, 0 is off, nonsense is refused', async () => {
    for (const [value, on] of [
      ['1', true],
      ['true', true],
      ['0', false],
      ['off', false],
      ['', false],
    ] as const) {
      vi.stubEnv('BETA_METRICS_ALLOW_FAULTS', value);
      const { deps, served } = recording();
      expect(await runCli(['serve'], deps), value).toBe(0);
      expect(served[0]?.allowFaults, value).toBe(on);
    }
    vi.stubEnv('BETA_METRICS_ALLOW_FAULTS', 'maybe');
    const { deps, served, errors } = recording();
    expect(await runCli(['serve'], deps)).toBe(1);
    expect(served).toEqual([]);
    expect(errors.join('\n')).toContain("BETA_METRICS_ALLOW_FAULTS='maybe' is not a switch");
  });

  it('take BETA_METRICS_FAULT_MAX_LATENCY, and refuse a latency bound that is not milliseconds', async () => {
    vi.stubEnv('BETA_METRICS_FAULT_MAX_LATENCY', '1500');
    const env = recording();
    expect(await runCli(['serve', '--allow-faults'], env.deps)).toBe(0);
    expect(env.served[0]?.faultMaxLatencyMs).toBe(1500);
    const bad = recording();
    expect(await runCli(['serve', '--fault-max-latency', '1.5s'], bad.deps)).toBe(1);
    expect(bad.errors.join('\n')).toContain("'1.5s' is not a valid --fault-max-latency");
  });
});
