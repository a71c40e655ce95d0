import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeResourceReads } from '../resource-reads.test-suite.js';

describeResourceReads('SQLite', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'beta-metrics-store-'));
  return { location: { dataDir }, cleanup: () => rm(dataDir, { recursive: true, force: true }) };
});
