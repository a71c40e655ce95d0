import { type ClientRequest, type IncomingHttpHeaders, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import type { ErrorItemBody } from '../../../test/support/api-responses.js';
import {
  appWith,
  freshIngestHarnessForEachTest,
  expectNothingStored,
  type IngestHarness,
  ndjson,
  postEvents,
  usageEvent,
} from '../../../test/support/ingest.js';
import { MAX_LISTED_ERRORS } from '../error-response.js';
import { DEFAULT_INGESTION_LIMITS } from '../../services/ingestion.js';

/**
 * What a holder of an ingest key (public by nature: it ships inside apps) can make a node hold: answers no
 * larger than a bounded list of errors, and no more of one app's batches at once than the node allows.
 */

let harness: IngestHarness;
freshIngestHarnessForEachTest((fresh) => {
  harness = fresh;
});

const errorsOf = (body: string) => (JSON.parse(body) as { errors: ErrorItemBody[] }).errors;

describe('error lists are bounded', () => {
  it('refuses a megabyte of one-character NDJSON lines at once, in a small answer', async () => {
    const body = 'x\n'.repeat(500_000);
    const response = await postEvents(harness, body, {
      headers: { 'content-type': 'application/x-ndjson' },
    });
    expect(response.statusCode).toBe(413);
    expect(errorsOf(response.body)).toMatchObject([
      {
        code: 'REQUEST_ENTITY_TOO_LARGE',
        detail: 'A batch holds at most 1000 events; this one has 500000. Send them in smaller batches.',
      },
    ]);
    expect(response.body.length).toBeLessThan(1024);
    await expectNothingStored(harness);
  });

  it('lists the first 100 of 1,000 unreadable NDJSON lines, then one error that counts the rest', async () => {
    const response = await postEvents(harness, 'x\n'.repeat(1000), {
      headers: { 'content-type': 'application/x-ndjson' },
    });
    expect(response.statusCode).toBe(400);
    const errors = errorsOf(response.body);
    expect(errors).toHaveLength(MAX_LISTED_ERRORS + 1);
    expect(errors[0]).toMatchObject({ code: 'ENTITY_ERROR', detail: 'Line 1 is not valid JSON' });
    expect(errors[MAX_LISTED_ERRORS - 1]).toMatchObject({ detail: 'Line 100 is not valid JSON' });
    expect(errors[MAX_LISTED_ERRORS]).toEqual({
      id: expect.any(String),
      status: '400',
      code: 'ENTITY_ERROR',
      title: 'The request entity is not valid',
      detail:
        '900 more problems are not listed (an answer lists at most 100); fix these and send the request again',
    });
    expect(response.body.length).toBeLessThan(40_000);
    await expectNothingStored(harness);
    // The refusal is counted, and its reasons are the listed problems, not the summary.
    const [stats] = (await harness.services.ingestion.stats()).filter((app) => app.appId === '100');
    expect(stats).toMatchObject({ refusedBatches: 1 });
    expect(stats?.reasons.map((reason) => reason.reason)).toEqual(['ENTITY_ERROR event']);
  });

  it('bounds a JSON batch whose every event breaks several rules', async () => {
    const bad = Array.from({ length: 1000 }, (_, i) => ({ id: `e${i}`, a: 1, b: 2, c: 3, d: 4 }));
    const response = await postEvents(harness, { events: bad });
    expect(response.statusCode).toBe(400);
    const errors = errorsOf(response.body);
    expect(errors).toHaveLength(MAX_LISTED_ERRORS + 1);
    expect(errors.at(-1)?.detail).toMatch(/^\d+ more problems are not listed/);
    await expectNothingStored(harness);
  });

  it('bounds the list of a query with hundreds of parameters it does not take', async () => {
    const query = Array.from({ length: 300 }, (_, i) => `p${i}=1`).join('&');
    const response = await harness.get(`/v1/apps/100/metrics/betaTesterUsages?groupBy=betaTesters&${query}`);
    expect(response.statusCode).toBe(400);
    const errors = errorsOf(response.body);
    expect(errors).toHaveLength(MAX_LISTED_ERRORS + 1);
    expect(errors[0]).toMatchObject({ code: 'PARAMETER_ERROR.ILLEGAL', source: { parameter: 'p0' } });
    expect(errors.at(-1)).toMatchObject({
      code: 'PARAMETER_ERROR.ILLEGAL',
      detail:
        '200 more problems are not listed (an answer lists at most 100); fix these and send the request again',
    });
  });
});

describe("an app's batches in flight are bounded", () => {
  /** A listening server (the body must be able to arrive slowly), and a POST whose body the test sends. */
  async function listening(app: IngestHarness['app']) {
    await app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = app.server.address() as AddressInfo;
    return (write: (request: ClientRequest) => void) =>
      new Promise<{ status: number; headers: IncomingHttpHeaders; body: string }>((resolve, reject) => {
        const request = httpRequest(
          {
            host: '127.0.0.1',
            port,
            method: 'POST',
            path: '/ingest/v1/events',
            headers: { authorization: `Bearer ${harness.key}`, 'content-type': 'application/x-ndjson' },
          },
          (response) => {
            let body = '';
            response.setEncoding('utf8');
            response.on('data', (chunk: string) => {
              body += chunk;
            });
            response.on('end', () =>
              resolve({ status: response.statusCode ?? 0, headers: response.headers, body }),
            );
          },
        );
        request.on('error', reject);
        write(request);
      });
  }

  it('answers 429 with Retry-After while the app has its limit of batches in flight, and counts no refusal', async () => {
    const app = await appWith(harness, { ...DEFAULT_INGESTION_LIMITS, maxConcurrentBatches: 1 });
    try {
      const post = await listening(app);
      // The first batch holds its slot while its body has not finished arriving.
      let slow: ClientRequest | undefined;
      const first = post((request) => {
        slow = request;
        request.write(`${JSON.stringify(usageEvent('slow-1'))}\n`);
      });
      let busy: Awaited<ReturnType<typeof post>> | undefined;
      for (let attempt = 0; attempt < 200 && busy === undefined; attempt++) {
        const other = await post((request) => request.end(JSON.stringify(usageEvent('other-1'))));
        if (other.status === 429) busy = other;
        else await new Promise((resolve) => setTimeout(resolve, 10));
      }
      expect(busy?.status).toBe(429);
      expect(busy?.headers['retry-after']).toBe('1');
      expect(errorsOf(busy?.body ?? '{}')).toMatchObject([
        {
          status: '429',
          code: 'RATE_LIMIT_EXCEEDED',
          detail:
            'This app already has 1 batches being written on this server; send this one again after Retry-After, or send fewer batches at once',
        },
      ]);
      slow?.end(JSON.stringify(usageEvent('slow-2')));
      const firstAnswer = await first;
      expect({ status: firstAnswer.status, body: JSON.parse(firstAnswer.body) }).toEqual({
        status: 200,
        body: { accepted: 2, duplicates: 0 },
      });
      // The slot is free again once the first answer is sent.
      const again = await post((request) => request.end(JSON.stringify(usageEvent('other-2'))));
      expect(again.status).toBe(200);
      const [stats] = (await harness.services.ingestion.stats()).filter((row) => row.appId === '100');
      expect(stats?.refusedBatches ?? 0).toBe(0);
    } finally {
      await app.close();
    }
  });

  it('frees the slot of a request whose client went away', async () => {
    const app = await appWith(harness, { ...DEFAULT_INGESTION_LIMITS, maxConcurrentBatches: 1 });
    try {
      const post = await listening(app);
      const abandoned = post((request) => {
        request.write('{"id":');
        setTimeout(() => request.destroy(), 100);
      });
      await abandoned.catch(() => undefined);
      let next: Awaited<ReturnType<typeof post>> | undefined;
      // The server sees the connection close a moment after the client drops it.
      for (let attempt = 0; attempt < 100 && next?.status !== 200; attempt++) {
        if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 20));
        next = await post((request) => request.end(JSON.stringify(usageEvent(`after-${attempt}`))));
      }
      expect(next?.status).toBe(200);
    } finally {
      await app.close();
    }
  });
});

it('a JSON batch of too many events is refused with the same text as NDJSON', async () => {
  const events = Array.from({ length: 1001 }, (_, i) => usageEvent(`e${i}`));
  const response = await postEvents(harness, ndjson(events), {
    headers: { 'content-type': 'application/x-ndjson' },
  });
  expect(response.statusCode).toBe(413);
  const json = await postEvents(harness, { events });
  expect(json.statusCode).toBe(413);
  expect(errorsOf(json.body)[0]?.detail).toBe(
    'A batch holds at most 1000 events; this one has 1001. Send them in smaller batches.',
  );
});

it('survives a gzip body it refuses unread (415): the failed inflate throws nothing', async () => {
  const uncaught: unknown[] = [];
  const record = (error: unknown) => uncaught.push(error);
  process.on('uncaughtException', record);
  try {
    for (const payload of [Buffer.alloc(0), Buffer.from([0x1f, 0x8b, 1, 2, 3])]) {
      const response = await postEvents(harness, payload, {
        headers: { 'content-type': 'text/plain', 'content-encoding': 'gzip' },
      });
      expect(response.statusCode).toBe(415);
    }
    // zlib reports its failure on a later turn of the event loop.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(uncaught).toEqual([]);
  } finally {
    process.off('uncaughtException', record);
  }
});
