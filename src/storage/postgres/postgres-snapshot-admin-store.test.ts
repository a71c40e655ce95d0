import { createTestSchema } from '../../../test/support/test-database.js';
import { describeSnapshotAdminStore } from '../snapshot-admin-store.test-suite.js';

describeSnapshotAdminStore('PostgreSQL', async () => {
  const { url, drop } = await createTestSchema();
  return { location: { databaseUrl: url, poolSize: 4 }, cleanup: drop };
});
