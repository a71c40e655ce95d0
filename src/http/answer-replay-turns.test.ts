import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { afterEach, expect, it } from 'vitest';
import { createHarness, type Harness, seedApp } from '../../test/support/harness.js';
import { pollUntil } from '../../test/support/poll-until.js';
import { createApp } from '../main/create-app.js';
import { requestJournal } from '../services/request-journal.js';
import type { KeptReads } from '../services/services.js';
import { fixedBaseUrl } from './links.js';

/**
 * The answer replay (answer-replay.ts) waits for the store to catch up once per turn of the event loop: a
 * request read in a later turn is answered only after a wait asked after it was read. The store promises the
 * commits made before it was asked (storage/change-feed.ts); on PostgreSQL a fence stays in flight over several
 * turns, and a request read meanwhile may follow a write another node acknowledged after the fence was sent.
 */

const APP = '1000000001';
const PATH = `/v1/apps/${APP}`;

let opened: { harness: Harness; app: FastifyInstance } | undefined;
// The store's waits, held until the test lets each go, in the order asked.
const waits: Array<(caughtUp: boolean) => void> = [];
afterEach(async () => {
  // A failed test leaves requests waiting: let them go (to Fastify), or closing would wait for them.
  for (const wait of waits.splice(0)) wait(false);
  await opened?.app.close();
  await opened?.harness.close();
  opened = undefined;
});

/** Whether `count` reaches `wanted` within 5 s (the server reads and asks on its own turns). */
async function reaches(count: () => number, wanted: number): Promise<boolean> {
  return (
    await pollUntil(
      async () => count(),
      (now) => now === wanted,
      5_000,
      5,
    )
  ).met;
}

function get(port: number, authorization: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const sent = httpRequest(
      { host: '127.0.0.1', port, path: PATH, headers: { authorization }, agent: false },
      (response) => {
        response.resume();
        response.on('end', () => resolve(response.statusCode ?? 0));
      },
    );
    sent.on('error', reject);
    sent.end();
  });
}

it('answers a request of a later turn only after a wait of its own, even while an earlier wait is pending', async () => {
  const harness = await createHarness({ rateLimit: 0 });
  await seedApp(harness.store, APP, [{ id: 'tester-a', sessions: 1 }]);
  const real = harness.services.keptReads;
  if (real === undefined) throw new Error('the store keeps nothing in memory');
  let held = false;
  const keptReads: KeptReads = {
    caughtUp: () => (held ? new Promise((resolve) => waits.push(resolve)) : real.caughtUp()),
    apiKey: (keyId) => real.apiKey(keyId),
    appDataVersion: (appId) => real.appDataVersion(appId),
    groupDataVersion: (groupId) => real.groupDataVersion(groupId),
    buildDataVersion: (buildId) => real.buildDataVersion(buildId),
    testerAppDataVersions: (testerId, appIds) => real.testerAppDataVersions(testerId, appIds),
  };
  const app = createApp({
    services: { ...harness.services, keptReads },
    baseUrl: fixedBaseUrl('https://api.appstoreconnect.apple.com'),
    journal: requestJournal(),
    logger: pino({ level: 'silent' }),
  });
  opened = { harness, app };
  await app.listen({ port: 0, host: '127.0.0.1' });
  const port = (app.server.address() as AddressInfo).port;
  let read = 0;
  app.server.prependListener('request', () => read++);
  const authorization = `Bearer ${await harness.token()}`;
  // Answered by Fastify, then kept and answered again from memory.
  expect(await get(port, authorization)).toBe(200);
  expect(await get(port, authorization)).toBe(200);

  held = true;
  const first = get(port, authorization);
  expect(await reaches(() => waits.length, 1)).toBe(true);
  let secondAnswered = false;
  const second = get(port, authorization).then((status) => {
    secondAnswered = true;
    return status;
  });
  expect(await reaches(() => read, 4)).toBe(true);
  // Read while the first wait is pending, in a later turn: it asked a wait of its own.
  expect(await reaches(() => waits.length, 2)).toBe(true);

  waits[0]?.(true);
  expect(await first).toBe(200);
  // Had the second shared the first wait, it would have been answered with the first.
  await new Promise((resolve) => setTimeout(resolve, 50));
  expect(secondAnswered).toBe(false);
  waits[1]?.(true);
  expect(await second).toBe(200);
});
