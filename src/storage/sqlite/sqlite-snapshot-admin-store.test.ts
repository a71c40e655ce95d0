import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeSnapshotAdminStore } from '../snapshot-admin-store.test-suite.js';

describeSnapshotAdminStore('SQLite', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'beta-metrics-snapshots-'));
  return { location: { dataDir }, cleanup: () => rm(dataDir, { recursive: true, force: true }) };
});
