import { afterEach, describe, expect, it, vi } from 'vitest';
import { recordingServe } from '../../test/support/serve-options.js';
import { runCli } from './run.js';

/** `serve --journal-size` and `--journal-bodies` as they reach the composition root: nothing served. */

const recording = recordingServe;

afterEach(() => {
  vi.unstubAllEnvs();
});

const MIB = 1024 * 1024;

describe('serve: the request journal', () => {
  it('keeps 1,000 requests and no bodies by default', async () => {
    const { deps, served } = recording();
    expect(await runCli(['serve'], deps)).toBe(0);
    expect(served[0]?.journal).toEqual({ maxEntries: 1000, maxBytes: 8 * MIB, bodyBytes: 0 });
  });

  it.each([
    [['--journal-size', '50'], { maxEntries: 50, bodyBytes: 0 }],
    [['--journal-size', '0'], { maxEntries: 0, bodyBytes: 0 }],
    [['--journal-bodies'], { maxEntries: 1000, bodyBytes: 4096 }],
    [['--journal-bodies', '--journal-size', '7'], { maxEntries: 7, bodyBytes: 4096 }],
    [['--journal-bodies', '512'], { maxEntries: 1000, bodyBytes: 512 }],
  ])('takes %j', async (options, journal) => {
    const { deps, served } = recording();
    expect(await runCli(['serve', ...options], deps)).toBe(0);
    expect(served[0]?.journal).toEqual({ maxBytes: 8 * MIB, ...journal });
  });

  it('takes them from the environment', async () => {
    vi.stubEnv('BETA_METRICS_JOURNAL_SIZE', '20');
    vi.stubEnv('BETA_METRICS_JOURNAL_BODIES', '100');
    const { deps, served } = recording();
    expect(await runCli(['serve'], deps)).toBe(0);
    expect(served[0]?.journal).toEqual({ maxEntries: 20, maxBytes: 8 * MIB, bodyBytes: 100 });
  });

  it.each([
    [['--journal-size', '-1'], "'-1' is not a valid --journal-size; use a whole number from 0 to 1000000"],
    [['--journal-size', '1000001'], "'1000001' is not a valid --journal-size"],
    [['--journal-bodies', '0'], "'0' is not a valid --journal-bodies; use a whole number from 1 to 1048576"],
    [['--journal-bodies', '4k'], "'4k' is not a valid --journal-bodies"],
  ])('refuses %j in one line', async (options, message) => {
    const { deps, served, errors } = recording();
    expect(await runCli(['serve', ...options], deps)).toBe(1);
    expect(served).toEqual([]);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain(message);
  });
});
