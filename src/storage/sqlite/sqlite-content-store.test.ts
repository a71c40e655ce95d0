import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeContentStore } from '../content-store.test-suite.js';

describeContentStore('SQLite', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'beta-metrics-content-'));
  return { location: { dataDir }, cleanup: () => rm(dataDir, { recursive: true, force: true }) };
});
