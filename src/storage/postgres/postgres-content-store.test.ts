import { createMigratedTestSchema } from '../../../test/support/test-database.js';
import { describeContentStore } from '../content-store.test-suite.js';

describeContentStore('PostgreSQL', async () => {
  const { url, drop } = await createMigratedTestSchema();
  return { location: { databaseUrl: url, poolSize: 4 }, cleanup: drop };
});
