import { createMigratedTestSchema } from '../../../test/support/test-database.js';
import { describeSnapshotAdminStore } from '../snapshot-admin-store.test-suite.js';

describeSnapshotAdminStore('PostgreSQL', async () => {
  const { url, drop } = await createMigratedTestSchema();
  return { location: { databaseUrl: url, poolSize: 4 }, cleanup: drop };
});
