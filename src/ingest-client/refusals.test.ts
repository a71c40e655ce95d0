import { afterEach, describe, expect, it } from 'vitest';
import { type ClientFixture, startClientFixture } from '../../test/support/ingest-client-fixture.js';
import { createIngestClient } from './create-ingest-client.js';
import type { IngestClientError } from './ingest-client-error.js';
import { memoryQueueStorage } from './queue-storage.js';
import type { IngestClientOptions } from './types.js';

let fixture: ClientFixture;
let errors: IngestClientError[];
async function start(limits: Parameters<typeof startClientFixture>[0] = {}) {
  fixture = await startClientFixture(limits);
  errors = [];
}
afterEach(async () => {
  await fixture.close();
});

const clientOf = (options: Partial<IngestClientOptions> = {}) =>
  createIngestClient({
    endpoint: fixture.proxy.url,
    ingestKey: fixture.key,
    appId: '100',
    flushIntervalMs: 0,
    retry: { baseMs: 60_000 },
    onError: (error) => errors.push(error),
    ...options,
  });

const sizes = () => fixture.proxy.requests.map((request) => [request.status, request.ids.length]);

describe('413', () => {
  it('splits a batch the server finds too large into halves', async () => {
    await start({ maxEvents: 5 });
    const client = clientOf({ batchSize: 8 });
    for (let n = 0; n < 8; n++) await client.track({ type: 'session', testerId: 't1' });

    const result = await client.flush();

    expect(sizes()).toEqual([
      [413, 8],
      [200, 4],
      [200, 4],
    ]);
    expect(result).toMatchObject({ accepted: 8, dropped: 0, pending: 0 });
    expect(errors).toEqual([]);
    expect(await fixture.metrics()).toMatchObject({ t1: { sessionCount: 8 } });
  });

  it('drops an event too large to send alone, and sends the others', async () => {
    await start({ maxBytes: 2048 });
    const client = clientOf();
    await client.track({ type: 'session', testerId: 't1', id: 'small-1' });
    await client.track({ type: 'session', testerId: 'x'.repeat(3000), id: 'huge' });
    await client.track({ type: 'session', testerId: 't1', id: 'small-2' });

    const result = await client.flush();

    expect(sizes()).toEqual([
      [413, 3],
      [413, 2],
      [200, 1],
      [413, 1],
      [200, 1],
    ]);
    expect(result).toMatchObject({ accepted: 2, dropped: 1, pending: 0 });
    expect(errors).toMatchObject([{ kind: 'rejected', status: 413, events: [{ id: 'huge' }] }]);
    expect(await fixture.metrics()).toMatchObject({ t1: { sessionCount: 2 } });
  });
});

describe('400', () => {
  it('drops exactly the events the pointers name, and sends the others again', async () => {
    await start();
    const client = clientOf();
    await client.track({ type: 'session', testerId: 't1', id: 'good-1' });
    await client.track({ type: 'session', testerId: 'nobody', id: 'bad' });
    await client.track({ type: 'session', testerId: 't1', id: 'good-2' });

    const result = await client.flush();

    expect(fixture.proxy.requests.map((request) => [request.status, request.ids])).toEqual([
      [400, ['good-1', 'bad', 'good-2']],
      [200, ['good-1', 'good-2']],
    ]);
    expect(result).toMatchObject({ accepted: 2, dropped: 1, pending: 0 });
    expect(errors).toMatchObject([
      {
        kind: 'rejected',
        status: 400,
        events: [{ id: 'bad', testerId: 'nobody' }],
        errors: [{ code: 'ENTITY_ERROR.RELATIONSHIP.INVALID', source: { pointer: '/events/1/testerId' } }],
      },
    ]);
    expect(await fixture.metrics()).toMatchObject({ t1: { sessionCount: 2 } });
  });

  it('drops the whole batch when no error points at an event', async () => {
    await start();
    const body = JSON.stringify({
      errors: [
        { status: '400', code: 'ENTITY_ERROR', title: 'The request entity is not valid', detail: 'No.' },
      ],
    });
    fixture.proxy.failNext(1, { answer: 400, headers: { 'content-type': 'application/json' }, body });
    const client = clientOf();
    await client.track({ type: 'session', testerId: 't1' });
    await client.track({ type: 'session', testerId: 't1' });

    const result = await client.flush();
    await client.flush();

    expect(result).toMatchObject({ accepted: 0, dropped: 2, pending: 0 });
    expect(fixture.proxy.requests).toHaveLength(1);
    expect(errors).toMatchObject([{ kind: 'rejected', status: 400, errors: [{ detail: 'No.' }] }]);
    expect(errors[0]?.events).toHaveLength(2);
  });
});

describe('401', () => {
  it('stops sending and keeps the queue for a client with a good key', async () => {
    await start();
    await fixture.harness.services.ingestKeys.revoke(fixture.keyId);
    const storage = memoryQueueStorage();
    const client = clientOf({ storage });
    await client.track({ type: 'session', testerId: 't1' });
    await client.track({ type: 'session', testerId: 't1' });

    const result = await client.flush();
    const again = await client.flush();

    expect(result).toMatchObject({ stopped: true, pending: 2, error: { kind: 'unauthorized', status: 401 } });
    expect(again).toMatchObject({ stopped: true, pending: 2 });
    expect(fixture.proxy.requests).toHaveLength(1);
    expect(errors.map((error) => error.kind)).toEqual(['unauthorized']);
    expect(await storage.load()).toHaveLength(2);

    const { key } = await fixture.harness.services.ingestKeys.create('100');
    const fixed = await clientOf({ storage, ingestKey: key }).flush();
    expect(fixed).toMatchObject({ accepted: 2, pending: 0 });
    expect(await fixture.metrics()).toMatchObject({ t1: { sessionCount: 2 } });
  });

  it('never puts the ingest key in an error', async () => {
    await start();
    const client = clientOf({ ingestKey: 'bmi_not-a-real-key' });
    await client.track({ type: 'session', testerId: 't1' });

    await client.flush();

    expect(errors).toHaveLength(1);
    expect(JSON.stringify({ ...errors[0], message: errors[0]?.message })).not.toContain('bmi_not-a-real-key');
  });
});
