import { createMigratedTestSchema } from '../../../test/support/test-database.js';
import { openStore } from '../open-store.js';
import { describeDashboardStore } from '../dashboard-store.test-suite.js';

describeDashboardStore(
  'PostgreSQL',
  async () => {
    const { url, drop } = await createMigratedTestSchema();
    return { open: () => openStore({ databaseUrl: url, poolSize: 4 }), cleanup: drop };
  },
  { concurrentHandles: true },
);
