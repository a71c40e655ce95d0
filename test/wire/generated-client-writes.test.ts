import type { AppStoreConnectClient } from '@rage-against-the-pixel/app-store-connect-api';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { answered, generatedClient } from '../support/generated-client.js';
import { createHarness, seedApp } from '../support/harness.js';
import { expectIngested, type IngestHarness, postEvents } from '../support/ingest.js';

/**
 * A release tool's day through the client generated from Apple's spec (@rage-against-the-pixel/app-store-connect-api,
 * as in generated-client.test.ts), against a server on a port of its own: create a group, invite testers into it,
 * assign a build, let the testers use it (events over the ingest API), read the group's and the build's metrics,
 * remove a tester, read again. Every call is the client's typed one; each status is the one the spec declares.
 */

const BUILD = '100-build-412';
let harness: IngestHarness;
let api: AppStoreConnectClient['api'];
let at: { baseUrl: string };
/** The client signs its tokens with the real clock, so the server runs on it too: events are of yesterday. */
const YESTERDAY = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
beforeAll(async () => {
  const base = await createHarness({ rateLimit: 0, reportTime: new Date().toISOString() });
  await seedApp(base.store, '100', [{ id: 't1', installed: false }]);
  await base.store.createBuild({
    id: BUILD,
    appId: '100',
    version: '412',
    uploadedAt: `${YESTERDAY}T00:00:00.000Z`,
  });
  const created = await base.services.ingestKeys.create('100');
  harness = Object.assign(base, { key: created.key, keyId: created.id });
  ({ api, at } = await generatedClient(harness));
});
afterAll(async () => {
  await harness?.close();
});

async function groupTesters(groupId: string): Promise<unknown[]> {
  const body = await answered(
    api.Metrics.betaGroupsBetaTesterUsagesGetMetrics({
      ...at,
      path: { id: groupId },
      query: { groupBy: ['betaTesters'] },
    }),
    200,
  );
  // The spec types the dimension's data as a string; the live service sends {type, id} (docs/apple-behavior.md, §1).
  return (body?.data ?? []).map(
    (item) => (item.dimensions?.betaTesters?.data as unknown as { id: string } | undefined)?.id,
  );
}

it('creates a group, invites testers, assigns a build, reads the metrics, removes a tester and reads again', async () => {
  const group = await answered(
    api.BetaGroups.betaGroupsCreateInstance({
      ...at,
      body: {
        data: {
          type: 'betaGroups',
          attributes: { name: 'Release candidates', feedbackEnabled: true },
          relationships: { app: { data: { type: 'apps', id: '100' } } },
        },
      },
    }),
    201,
  );
  const groupId = group?.data.id ?? '';
  expect(group?.data.attributes?.name).toBe('Release candidates');

  const invited = await answered(
    api.BetaTesters.betaTestersCreateInstance({
      ...at,
      body: {
        data: {
          type: 'betaTesters',
          attributes: { email: 'rc@example.com', firstName: 'Rita' },
          relationships: { betaGroups: { data: [{ type: 'betaGroups', id: groupId }] } },
        },
      },
    }),
    201,
  );
  const newTester = invited?.data.id ?? '';
  expect(invited?.data.attributes?.inviteType).toBe('EMAIL');
  await answered(
    api.BetaGroups.betaGroupsBetaTestersCreateToManyRelationship({
      ...at,
      path: { id: groupId },
      body: { data: [{ type: 'betaTesters', id: 't1' }] },
    }),
    204,
  );
  await answered(
    api.BetaGroups.betaGroupsBuildsCreateToManyRelationship({
      ...at,
      path: { id: groupId },
      body: { data: [{ type: 'builds', id: BUILD }] },
    }),
    204,
  );

  const events = [newTester, 't1'].flatMap((testerId, index) => [
    {
      id: `install-${index}`,
      type: 'install',
      appId: '100',
      testerId,
      build: '412',
      timestamp: `${YESTERDAY}T09:00:00Z`,
    },
    {
      id: `session-${index}`,
      type: 'session',
      appId: '100',
      testerId,
      build: '412',
      timestamp: `${YESTERDAY}T10:00:00Z`,
    },
  ]);
  expectIngested(await postEvents(harness, { events }), 4, 0);

  expect((await groupTesters(groupId)).sort()).toEqual([newTester, 't1'].sort());
  const build = await answered(
    api.Metrics.buildsBetaBuildUsagesGetMetrics({ ...at, path: { id: BUILD } }),
    200,
  );
  expect(build?.data[0]?.dataPoints?.[0]?.values).toMatchObject({ installCount: 2, sessionCount: 2 });

  await answered(
    api.BetaGroups.betaGroupsBetaTestersDeleteToManyRelationship({
      ...at,
      path: { id: groupId },
      body: { data: [{ type: 'betaTesters', id: 't1' }] },
    }),
    204,
  );
  expect(await groupTesters(groupId)).toEqual([newTester]);

  await answered(api.BetaTesters.betaTestersDeleteInstance({ ...at, path: { id: newTester } }), 204);
  expect(await groupTesters(groupId)).toEqual([]);
  await answered(api.BetaTesters.betaTestersGetInstance({ ...at, path: { id: newTester } }), 404);
  // The build's past usage stays: testers who leave take nothing from what was measured.
  const after = await answered(
    api.Metrics.buildsBetaBuildUsagesGetMetrics({ ...at, path: { id: BUILD } }),
    200,
  );
  expect(after?.data[0]?.dataPoints?.[0]?.values).toMatchObject({ installCount: 2, sessionCount: 2 });
});
