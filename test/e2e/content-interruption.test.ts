import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe } from 'vitest';
import { describeContentInterruption } from '../support/content-interruption.js';

describe('feedback content across a SIGKILL of the server (SQLite)', () => {
  describeContentInterruption(async () => {
    const dir = await mkdtemp(join(tmpdir(), 'beta-metrics-content-kill-store-'));
    return { args: ['--data-dir', dir], drop: () => rm(dir, { recursive: true, force: true }) };
  });
});
