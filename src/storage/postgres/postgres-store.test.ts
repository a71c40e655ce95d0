import { createMigratedTestSchema } from '../../../test/support/test-database.js';
import { openStore } from '../open-store.js';
import { describeStore } from '../store.test-suite.js';

describeStore(
  'PostgreSQL',
  async () => {
    const { url, drop } = await createMigratedTestSchema();
    return { open: () => openStore({ databaseUrl: url, poolSize: 4 }), cleanup: drop };
  },
  { concurrentHandles: true },
);
