import { describe } from 'vitest';
import { describeContentInterruption } from '../../support/content-interruption.js';
import { createTestSchema } from '../../support/test-database.js';

describe('feedback content across a SIGKILL of the server (PostgreSQL)', () => {
  describeContentInterruption(async () => {
    const schema = await createTestSchema();
    return { args: ['--database-url', schema.url], drop: schema.drop };
  });
});
