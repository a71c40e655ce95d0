import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { addEvents } from '../../../test/support/api-responses.js';
import { APPLE_BASE_URL, createHarness, type Harness } from '../../../test/support/harness.js';
import { createApp } from '../../main/create-app.js';
import type { CreatedApiKey } from '../../services/api-keys.js';
import { FIXED_TESTERS, PAGE_APP } from '../../services/demo/demo-fixture.js';
import { fixedBaseUrl } from '../links.js';

/**
 * A restore reaches every node's page cache (http/page-cache.ts): every app's data version is set above any it
 * had (storage/queries/data-versions.ts), so no node serves an answer it kept from before, even once writes
 * after the restore bring the version to where it was.
 */

let harness: Harness;
/** Other nodes over the same store, each with its own page cache, that never hear of the restore. */
let nodeB: FastifyInstance;
let nodeC: FastifyInstance;
/** The test controls' key: ADMIN with TESTING. */
let testingKey: CreatedApiKey;
beforeAll(async () => {
  harness = await createHarness({ demo: true, allowFaults: true, rateLimit: 0 });
  testingKey = await harness.services.apiKeys.create({ name: 'suite', role: 'ADMIN', testing: true });
  nodeB = await otherNode();
  nodeC = await otherNode();
});
afterAll(async () => {
  await nodeB.close();
  await nodeC.close();
  await harness.close();
});

const TESTER = FIXED_TESTERS[0]?.id ?? '';
const PAGE = `/v1/apps/${PAGE_APP.id}/metrics/betaTesterUsages?filter[betaTesters]=${TESTER}&period=P7D`;

async function otherNode(): Promise<FastifyInstance> {
  const node = createApp({ services: harness.services, baseUrl: fixedBaseUrl(APPLE_BASE_URL) });
  await node.ready();
  return node;
}

/** The page as `node` answers it. */
async function page(node: FastifyInstance): Promise<string> {
  const response = await node.inject({
    method: 'GET',
    url: PAGE,
    headers: { authorization: `Bearer ${await harness.token()}` },
  });
  expect(response.statusCode, response.body).toBe(200);
  return response.body;
}

/** The page computed afresh: by a node that has kept nothing. */
async function pageComputedNow(): Promise<string> {
  const fresh = await otherNode();
  try {
    return await page(fresh);
  } finally {
    await fresh.close();
  }
}

async function control(url: string, body?: Record<string, unknown>) {
  const response = await harness.app.inject({
    method: 'POST',
    url,
    headers: { authorization: `Bearer ${await harness.token(testingKey)}` },
    ...(body !== undefined && { payload: body }),
  });
  expect(response.statusCode, response.body).toBeLessThan(300);
}

it('serves the restored answer on every node at once, and no answer kept from before it', async () => {
  const first = await page(harness.app);
  await control('/_beta-metrics/snapshots', { name: 'baseline' });

  await addEvents(harness.store, PAGE_APP.id, [TESTER], 'session', 5, '2023-10-04T10:00:00.000Z');
  const changed = await page(harness.app);
  expect(changed).not.toBe(first);
  // Both other nodes keep the changed answer.
  expect(await page(nodeB)).toBe(changed);
  expect(await page(nodeC)).toBe(changed);

  await control('/_beta-metrics/snapshots/baseline/restore');
  expect(await page(harness.app)).toBe(first);
  expect(await page(nodeB)).toBe(first);

  // One write after the restore: were the versions put back as saved, it would raise them to the number
  // node C kept the changed answer under, and C would serve that answer again.
  await addEvents(harness.store, PAGE_APP.id, [TESTER], 'crash', 1, '2023-10-04T11:00:00.000Z');
  const now = await pageComputedNow();
  expect(now).not.toBe(changed);
  expect(now).not.toBe(first);
  expect(await page(nodeC)).toBe(now);
  expect(await page(nodeB)).toBe(now);
  expect(await page(harness.app)).toBe(now);
});
