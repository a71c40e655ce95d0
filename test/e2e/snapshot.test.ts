import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeSnapshotCommands } from '../support/snapshot-commands.js';

describeSnapshotCommands('the embedded store', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'beta-metrics-snapshot-store-'));
  return { storeArgs: ['--data-dir', dataDir], cleanup: () => rm(dataDir, { recursive: true, force: true }) };
});
