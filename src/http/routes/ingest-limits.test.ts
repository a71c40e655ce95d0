import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { expectErrors } from '../../../test/support/api-responses.js';
import { DEFAULT_INGESTION_LIMITS } from '../../services/ingestion.js';
import {
  appWith,
  freshIngestHarnessForEachTest,
  expectIngested,
  expectNothingStored,
  type IngestHarness,
  ndjson,
  postEvents,
  usageEvent,
} from '../../../test/support/ingest.js';

/** What POST /ingest/v1/events refuses before reading a single event: too much, or a body it cannot read. */

let harness: IngestHarness;
freshIngestHarnessForEachTest((fresh) => {
  harness = fresh;
});

const expectNothingWritten = () => expectNothingStored(harness);

describe('413', () => {
  const TOO_LARGE = {
    code: 'REQUEST_ENTITY_TOO_LARGE',
    title: 'The request entity is too large',
    detail: 'The request body is larger than this resource accepts; send smaller batches',
  };
  let small: IngestHarness['app'];
  beforeEach(async () => {
    small = await appWith(harness, { ...DEFAULT_INGESTION_LIMITS, maxEvents: 5, maxBytes: 2048 });
  });
  afterEach(async () => {
    await small.close();
  });
  const events = (n: number) => Array.from({ length: n }, (_, i) => usageEvent(`e${i}`));

  it('refuses more events than the limit, as JSON or NDJSON, and takes the limit itself', async () => {
    const tooMany = {
      code: 'REQUEST_ENTITY_TOO_LARGE',
      title: 'The request entity is too large',
      detail: 'A batch holds at most 5 events; this one has 6. Send them in smaller batches.',
    };
    expectErrors(await postEvents(harness, { events: events(6) }, { app: small }), 413, [tooMany]);
    const lines = await postEvents(harness, ndjson(events(6)), {
      app: small,
      headers: { 'content-type': 'application/x-ndjson' },
    });
    expectErrors(lines, 413, [tooMany]);
    await expectNothingWritten();
    expectIngested(await postEvents(harness, { events: events(5) }, { app: small }), 5, 0);
  });

  it('refuses a body of more bytes than the limit', async () => {
    const payload = JSON.stringify({ events: [usageEvent('e0', { build: 'b' })], padding: ' '.repeat(2048) });
    expectErrors(await postEvents(harness, payload, { app: small }), 413, [TOO_LARGE]);
    await expectNothingWritten();
  });

  it('refuses a small gzip body that inflates beyond the limit', async () => {
    const inflated = `{"events": [${' '.repeat(100_000)}]}`;
    const body = gzipSync(inflated);
    expect(body.length).toBeLessThan(2048);
    expectErrors(
      await postEvents(harness, body, { app: small, headers: { 'content-encoding': 'gzip' } }),
      413,
      [TOO_LARGE],
    );
    const fits = gzipSync(JSON.stringify({ events: events(5) }));
    expectIngested(
      await postEvents(harness, fits, { app: small, headers: { 'content-encoding': 'gzip' } }),
      5,
      0,
    );
  });
});

describe('415', () => {
  it('refuses a body that is neither JSON nor NDJSON', async () => {
    const response = await postEvents(harness, '<events/>', {
      headers: { 'content-type': 'application/xml' },
    });
    expectErrors(response, 415, [
      {
        code: 'UNSUPPORTED_MEDIA_TYPE',
        title: 'The request entity has an unsupported media type',
        detail:
          'The request body has a content type this resource does not accept; send application/json or application/x-ndjson',
      },
    ]);
  });

  it('refuses plain text as it refuses any body that is neither JSON nor NDJSON', async () => {
    const response = await postEvents(harness, 'session t1 now', {
      headers: { 'content-type': 'text/plain' },
    });
    expect(response.statusCode).toBe(415);
    expect(JSON.parse(response.body).errors[0].code).toBe('UNSUPPORTED_MEDIA_TYPE');
    await expectNothingWritten();
  });

  it('refuses a content encoding other than gzip', async () => {
    const response = await postEvents(harness, Buffer.from('irrelevant'), {
      headers: { 'content-encoding': 'br' },
    });
    expectErrors(response, 415, [
      {
        code: 'UNSUPPORTED_MEDIA_TYPE',
        title: 'The request entity has an unsupported media type',
        detail: "The content encoding 'br' is not accepted; send gzip or none",
      },
    ]);
    await expectNothingWritten();
  });
});
