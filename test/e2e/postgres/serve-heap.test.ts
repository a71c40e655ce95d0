import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { YOUNG_GENERATION_CEILING_MB } from '../../../src/main/heap-policy.js';
import { startServer } from '../../support/cli-process.js';
import { newSpaceAfterReads } from '../../support/heap-load.js';
import { bearerToken, createApiKey } from '../../support/operator-cli.js';
import { createTestSchema } from '../../support/test-database.js';

const MB = 1024 * 1024;
/** Rounds of 16 concurrent reads (heap-load.ts): enough for the young generation to grow past 4 MB a semi-space. */
const ROUNDS = 60;

/**
 * `serve` on PostgreSQL lets its young generation grow to that store's ceiling, past the embedded store's
 * (src/main/heap-policy.ts, YOUNG_GENERATION_CEILING_MB): under the same reads a server on SQLite stays within
 * 2 MB a semi-space (test/e2e/serve-heap.test.ts).
 */
describe('serve on PostgreSQL keeps the young generation of its store', () => {
  let schema: Awaited<ReturnType<typeof createTestSchema>>;
  let dir: string;
  let authorization: string;

  beforeAll(async () => {
    schema = await createTestSchema();
    dir = await mkdtemp(join(tmpdir(), 'beta-metrics-heap-'));
    authorization = await bearerToken(await createApiKey(['--database-url', schema.url], dir, 'heap'));
  });
  afterAll(async () => {
    await schema?.drop();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  it('grows it past the embedded store ceiling under reads, and no further than its own', async () => {
    // The operator's environment aside: a heap flag of theirs would turn the lean heap off.
    const server = await startServer(['--database-url', schema.url], { env: { NODE_OPTIONS: '' } });
    try {
      const newSpace = await newSpaceAfterReads(server.baseUrl, authorization, ROUNDS);
      // Both semi-spaces, each one doubling past the SQLite ceiling at least, and at most one past their own.
      expect(newSpace).toBeGreaterThan(2 * 2 * YOUNG_GENERATION_CEILING_MB.sqlite * MB);
      expect(newSpace).toBeLessThanOrEqual(2 * 2 * YOUNG_GENERATION_CEILING_MB.postgres * MB);
    } finally {
      await server.stop();
    }
  });
});
