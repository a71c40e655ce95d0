import { afterEach, describe, expect, it, vi } from 'vitest';
import { recordingServe } from '../../../test/support/serve-options.js';
import { DEFAULT_CONNECTION_LIMITS } from '../../http/connection-limits.js';
import { runCli } from '../run.js';

/** `serve`'s options as they reach the composition root: parsed in process, nothing served. */

const recording = recordingServe;

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('serve: connection limits', () => {
  it('passes the defaults when no option is given', async () => {
    const { deps, served } = recording();

    expect(await runCli(['serve'], deps)).toBe(0);
    expect(served[0]?.connectionLimits).toEqual(DEFAULT_CONNECTION_LIMITS);
  });

  it('passes the options given', async () => {
    const { deps, served } = recording();
    const argv = [
      'serve',
      '--headers-timeout',
      '2000',
      '--request-timeout',
      '9000',
      '--keep-alive-timeout',
      '65000',
      '--idle-timeout',
      '120000',
      '--max-connections',
      '2000',
    ];

    expect(await runCli(argv, deps)).toBe(0);
    expect(served[0]?.connectionLimits).toEqual({
      headersTimeoutMs: 2000,
      requestTimeoutMs: 9000,
      keepAliveTimeoutMs: 65_000,
      idleTimeoutMs: 120_000,
      maxConnections: 2000,
    });
  });

  it('takes each from its environment variable', async () => {
    vi.stubEnv('BETA_METRICS_HEADERS_TIMEOUT', '3000');
    vi.stubEnv('BETA_METRICS_REQUEST_TIMEOUT', '4000');
    vi.stubEnv('BETA_METRICS_KEEP_ALIVE_TIMEOUT', '61000');
    vi.stubEnv('BETA_METRICS_IDLE_TIMEOUT', '90000');
    vi.stubEnv('BETA_METRICS_MAX_CONNECTIONS', '100');
    const { deps, served } = recording();

    expect(await runCli(['serve'], deps)).toBe(0);
    expect(served[0]?.connectionLimits).toEqual({
      headersTimeoutMs: 3000,
      requestTimeoutMs: 4000,
      keepAliveTimeoutMs: 61_000,
      idleTimeoutMs: 90_000,
      maxConnections: 100,
    });
  });

  it.each([
    [
      ['--headers-timeout', '0'],
      "'0' is not a valid --headers-timeout; use milliseconds, from 1 to 2147483647",
    ],
    [['--idle-timeout', '2147483648'], "'2147483648' is not a valid --idle-timeout"],
    [['--keep-alive-timeout', '5s'], "'5s' is not a valid --keep-alive-timeout"],
    [['--max-connections', '0'], "'0' is not a valid --max-connections"],
    [
      ['--headers-timeout', '20000', '--request-timeout', '10000'],
      '--headers-timeout (20000 ms) must not be longer than --request-timeout (10000 ms)',
    ],
  ])('refuses %j in one line', async (options, message) => {
    const { deps, served, errors } = recording();

    expect(await runCli(['serve', ...options], deps)).toBe(1);
    expect(served).toEqual([]);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain(message);
  });
});
