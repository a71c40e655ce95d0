import { describeSnapshotCommands } from '../../support/snapshot-commands.js';
import { createTestSchema } from '../../support/test-database.js';

describeSnapshotCommands('PostgreSQL', async () => {
  const schema = await createTestSchema();
  return { storeArgs: ['--database-url', schema.url], cleanup: schema.drop };
});
