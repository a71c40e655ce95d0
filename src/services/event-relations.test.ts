import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHarness, type Harness, seedApp } from '../../test/support/harness.js';
import { RefusedBatch } from './batch-problems.js';

/**
 * Ingestion's rules about the state of what events name (event-relations.ts, docs/apple-behavior.md, §11): an
 * install of an expired build, an accept of a public link whose limit is reached. App 100 has testers t1 and
 * t2, builds 7 (expired) and 8, group g1 whose public link takes 2 and g2 whose link has no limit on.
 */

const NOW = '2023-10-05T12:00:00.000Z';
let harness: Harness;
let serial = 0;
beforeEach(async () => {
  harness = await createHarness({ rateLimit: 0, wallTime: NOW, reportTime: NOW });
  const { store, services } = harness;
  await seedApp(store, '100', [
    { id: 't1', installed: false },
    { id: 't2', installed: false },
  ]);
  await services.builds.create({ appId: '100', version: '7', id: 'b7', expired: true });
  await services.builds.create({ appId: '100', version: '8', id: 'b8' });
  const link = { appId: '100', publicLinkEnabled: true, publicLinkLimit: 2 };
  await services.betaGroups.create({ ...link, name: 'Open', id: 'g1', publicLinkLimitEnabled: true });
  await services.betaGroups.create({ ...link, name: 'Unlimited', id: 'g2', publicLinkLimitEnabled: false });
});
afterEach(async () => {
  await harness.close();
});

const event = (over: Record<string, string>) => ({
  id: `e${serial++}`,
  appId: '100',
  testerId: 't1',
  type: 'session',
  timestamp: '2023-10-05T10:00:00Z',
  ...over,
});
const accept = (groupId = 'g1', over: Record<string, string> = {}) =>
  event({ type: 'publicLinkAccept', testerId: '', groupId, ...over });

/** Ingests a batch as an ingest key of app 100 does; the problems of a refusal, or the answer. */
async function ingest(events: ReadonlyArray<Record<string, string>>) {
  try {
    return await harness.services.ingestion.ingestBatch({ events }, '100');
  } catch (error) {
    if (error instanceof RefusedBatch) return { refused: error.problems };
    throw error;
  }
}

describe('an expired build', () => {
  it('with an expiration date, takes the installs dated before it (history, an import) and none after', async () => {
    await harness.services.builds.create({
      appId: '100',
      version: '9',
      id: 'b9',
      expired: true,
      expirationDate: '2023-10-01T00:00:00Z',
    });
    expect(await ingest([event({ type: 'install', build: '9', timestamp: '2023-09-30T23:59:59Z' })])).toEqual(
      {
        accepted: 1,
        duplicates: 0,
      },
    );
    expect(
      await ingest([
        event({ type: 'install', build: '9', testerId: 't2', timestamp: '2023-10-01T00:00:00Z' }),
      ]),
    ).toEqual({
      refused: [expect.objectContaining({ field: 'build', event: 0 })],
    });
  });

  it('takes no install, and every other event', async () => {
    expect(
      await ingest([event({ type: 'session', build: '7' }), event({ type: 'install', build: '7' })]),
    ).toEqual({
      refused: [
        {
          code: 'ENTITY_ERROR.ATTRIBUTE.INVALID',
          detail: "build '7' of app '100' has expired and takes no new installs",
          field: 'build',
          event: 1,
        },
      ],
    });
    expect(await harness.store.listUsageEvents('100', undefined, 10)).toEqual([]);
    expect(
      await ingest([
        event({ type: 'session', build: '7' }),
        event({ type: 'crash', build: '7' }),
        event({ type: 'feedback', build: '7', testerId: 't2' }),
        event({ type: 'install', build: '8' }),
        event({ type: 'install' }),
      ]),
    ).toEqual({ accepted: 5, duplicates: 0 });
  });

  it('answers an install stored before it expired as a duplicate when it comes again', async () => {
    await harness.services.builds.update('b7', { expired: false });
    const install = event({ type: 'install', build: '7' });
    expect(await ingest([install])).toEqual({ accepted: 1, duplicates: 0 });
    await harness.services.builds.update('b7', { expired: true });
    expect(await ingest([install])).toEqual({ accepted: 0, duplicates: 1 });
    expect(await ingest([event({ type: 'install', build: '7', testerId: 't2' })])).toHaveProperty('refused');
  });

  it('is refused at the ingestion endpoint at /events/N/build', async () => {
    const { key } = await harness.services.ingestKeys.create('100');
    const response = await harness.app.inject({
      method: 'POST',
      url: '/ingest/v1/events',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      payload: JSON.stringify({ events: [event({ type: 'install', build: '7' })] }),
    });
    expect(response.statusCode).toBe(400);
    expect(response.json<{ errors: unknown[] }>().errors).toEqual([
      expect.objectContaining({
        code: 'ENTITY_ERROR.ATTRIBUTE.INVALID',
        detail: "build '7' of app '100' has expired and takes no new installs",
        source: { pointer: '/events/0/build' },
      }),
    ]);
  });
});

describe('a public link with a limit', () => {
  it('takes accepts up to its limit, counting those before in the batch', async () => {
    expect(
      await ingest([
        accept(),
        event({ type: 'publicLinkView', testerId: '', groupId: 'g1' }),
        accept(),
        accept(),
      ]),
    ).toEqual({
      refused: [
        {
          code: 'ENTITY_ERROR.ATTRIBUTE.INVALID',
          detail: "the public link of beta group 'g1' is full (limit 2)",
          field: 'groupId',
          event: 3,
        },
      ],
    });
    expect(await ingest([accept(), accept()])).toEqual({ accepted: 2, duplicates: 0 });
    expect(await ingest([accept()])).toHaveProperty('refused');
    // Views, declines and a link without its limit on are not counted against it.
    expect(
      await ingest([
        event({ type: 'publicLinkView', testerId: '', groupId: 'g1' }),
        event({ type: 'publicLinkDecline', testerId: '', groupId: 'g1' }),
        accept('g2'),
        accept('g2'),
        accept('g2'),
      ]),
    ).toEqual({ accepted: 5, duplicates: 0 });
  });

  it('answers accepts stored already as duplicates, and counts an id repeated in a batch once', async () => {
    const first = accept();
    expect(await ingest([first, first])).toEqual({ accepted: 1, duplicates: 1 });
    const second = accept();
    expect(await ingest([second])).toEqual({ accepted: 1, duplicates: 0 });
    // Full now: the batches sent again are duplicates, not refused; a new accept is.
    expect(await ingest([first, second])).toEqual({ accepted: 0, duplicates: 2 });
    expect(await ingest([second, accept()])).toMatchObject({ refused: [{ field: 'groupId', event: 1 }] });
  });

  it('follows a limit raised or turned off', async () => {
    expect(await ingest([accept(), accept()])).toEqual({ accepted: 2, duplicates: 0 });
    await harness.services.betaGroups.update('g1', { publicLinkLimit: 3 });
    expect(await ingest([accept(), accept()])).toMatchObject({
      refused: [{ detail: "the public link of beta group 'g1' is full (limit 3)", event: 1 }],
    });
    await harness.services.betaGroups.update('g1', { publicLinkLimitEnabled: false });
    expect(await ingest([accept(), accept()])).toEqual({ accepted: 2, duplicates: 0 });
  });
});
