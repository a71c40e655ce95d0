import { describe } from 'vitest';
import { createTestSchema } from '../../support/test-database.js';
import { describeWriteInterruption } from '../../support/write-interruption.js';

describe('API writes across a SIGKILL of the server (PostgreSQL)', () => {
  describeWriteInterruption(async () => {
    const schema = await createTestSchema();
    return { args: ['--database-url', schema.url], drop: schema.drop };
  });
});
