import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Fault } from '../../test/support/fault-proxy.js';
import { type ClientFixture, startClientFixture } from '../../test/support/ingest-client-fixture.js';
import { createIngestClient } from './create-ingest-client.js';
import type { IngestClientError } from './ingest-client-error.js';
import type { IngestClientOptions } from './types.js';

let fixture: ClientFixture;
let errors: IngestClientError[];
beforeEach(async () => {
  fixture = await startClientFixture();
  errors = [];
});
afterEach(async () => {
  await fixture.close();
});

const clientOf = (options: Partial<IngestClientOptions> = {}) =>
  createIngestClient({
    endpoint: fixture.proxy.url,
    ingestKey: fixture.key,
    appId: '100',
    flushIntervalMs: 0,
    retry: { baseMs: 5, maxMs: 50 },
    onError: (error) => errors.push(error),
    ...options,
  });

async function trackSessions(client: ReturnType<typeof clientOf>, count: number) {
  for (let n = 0; n < count; n++) await client.track({ type: 'session', testerId: 't1', id: `s${n}` });
}

const waitForEmptyQueue = (client: ReturnType<typeof clientOf>) =>
  vi.waitFor(() => expect(client.pending()).toBe(0), { timeout: 5000, interval: 5 });

describe('retried by itself, counted once', () => {
  const cases: Array<{ name: string; fault: Fault; kind: string; stored: boolean }> = [
    { name: 'a 500', fault: { answer: 500 }, kind: 'server', stored: false },
    {
      name: 'a 503 after the server committed',
      fault: { answer: 503, afterServer: true },
      kind: 'server',
      stored: true,
    },
    { name: 'a hang-up', fault: { hangUp: true }, kind: 'network', stored: false },
    {
      name: 'a hang-up after the server committed',
      fault: { hangUp: true, afterServer: true },
      kind: 'network',
      stored: true,
    },
    {
      name: 'a 200 that is not the server’s (a captive portal)',
      fault: { answer: 200, headers: { 'content-type': 'text/html' }, body: '<html>Sign in</html>' },
      kind: 'server',
      stored: false,
    },
  ];

  it.each(cases)('after $name', async ({ fault, kind, stored }) => {
    fixture.proxy.failNext(1, fault);
    const client = clientOf();
    await trackSessions(client, 3);

    const first = await client.flush();
    await waitForEmptyQueue(client);

    expect(first).toMatchObject({ accepted: 0, pending: 3, error: { kind } });
    expect(first.retryInMs).toBeTypeOf('number');
    expect(errors.map((error) => error.kind)).toEqual([kind]);
    const [failed, retried] = fixture.proxy.requests;
    expect(fixture.proxy.requests).toHaveLength(2);
    expect(retried?.ids).toEqual(failed?.ids);
    expect(retried?.serverBody).toEqual(
      stored ? { accepted: 0, duplicates: 3 } : { accepted: 3, duplicates: 0 },
    );
    expect(await fixture.metrics()).toMatchObject({ t1: { sessionCount: 3 } });
  });

  it('keeps retrying through several failures in a row', async () => {
    fixture.proxy.failNext(3, { answer: 502 });
    const client = clientOf();
    await trackSessions(client, 2);

    await client.flush();
    await waitForEmptyQueue(client);

    expect(fixture.proxy.requests.map((request) => request.status)).toEqual([502, 502, 502, 200]);
    expect(await fixture.metrics()).toMatchObject({ t1: { sessionCount: 2 } });
  });
});

describe('429', () => {
  it.each([
    ['delay-seconds', () => '1'],
    ['an HTTP date', () => new Date(Date.now() + 2000).toUTCString()],
  ])('with Retry-After as %s: sends nothing before it', async (_name, retryAfter) => {
    const header = retryAfter();
    const notBefore = /^\d+$/.test(header) ? undefined : Date.parse(header);
    fixture.proxy.failNext(1, { answer: 429, headers: { 'retry-after': header }, body: '{"errors":[]}' });
    const client = clientOf();
    await trackSessions(client, 2);

    const first = await client.flush();
    const during = await client.flush();
    await waitForEmptyQueue(client);

    expect(first).toMatchObject({ pending: 2, error: { kind: 'rate-limited', status: 429 } });
    expect(during).toMatchObject({ accepted: 0, pending: 2 });
    const [limited, retried] = fixture.proxy.requests;
    expect(fixture.proxy.requests).toHaveLength(2);
    expect(retried?.receivedAt).toBeGreaterThanOrEqual(notBefore ?? (limited?.answeredAt ?? 0) + 1000);
    expect(await fixture.metrics()).toMatchObject({ t1: { sessionCount: 2 } });
  });

  it('without Retry-After: backs off and retries', async () => {
    fixture.proxy.failNext(2, { answer: 429 });
    const client = clientOf();
    await trackSessions(client, 2);

    await client.flush();
    await waitForEmptyQueue(client);

    expect(fixture.proxy.requests.map((request) => request.status)).toEqual([429, 429, 200]);
    expect(errors.map((error) => error.kind)).toEqual(['rate-limited', 'rate-limited']);
    expect(await fixture.metrics()).toMatchObject({ t1: { sessionCount: 2 } });
  });
});
