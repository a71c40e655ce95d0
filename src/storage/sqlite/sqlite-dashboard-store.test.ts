import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../open-store.js';
import { describeDashboardStore } from '../dashboard-store.test-suite.js';

describeDashboardStore(
  'SQLite',
  async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'beta-metrics-store-'));
    return {
      open: () => openStore({ dataDir }),
      cleanup: () => rm(dataDir, { recursive: true, force: true }),
    };
  },
  { concurrentHandles: false },
);
