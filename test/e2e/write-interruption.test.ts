import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe } from 'vitest';
import { describeWriteInterruption } from '../support/write-interruption.js';

describe('API writes across a SIGKILL of the server (SQLite)', () => {
  describeWriteInterruption(async () => {
    const dir = await mkdtemp(join(tmpdir(), 'beta-metrics-write-kill-store-'));
    return { args: ['--data-dir', dir], drop: () => rm(dir, { recursive: true, force: true }) };
  });
});
