import { createTestSchema } from '../../../test/support/test-database.js';
import { openStore } from '../open-store.js';
import { describeStore } from '../store.test-suite.js';

describeStore(
  'PostgreSQL',
  async () => {
    const { url, drop } = await createTestSchema();
    return { open: () => openStore({ databaseUrl: url, poolSize: 4 }), cleanup: drop };
  },
  { concurrentHandles: true },
);
