import { createMigratedTestSchema } from '../../../test/support/test-database.js';
import { describeResourceReads } from '../resource-reads.test-suite.js';

describeResourceReads('PostgreSQL', async () => {
  const { url, drop } = await createMigratedTestSchema();
  return { location: { databaseUrl: url, poolSize: 4 }, cleanup: drop };
});
