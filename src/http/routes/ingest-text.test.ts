import { describe, expect, it } from 'vitest';
import { expectErrors, invalid, PATH_ERROR } from '../../../test/support/api-responses.js';
import {
  at,
  freshIngestHarnessForEachTest,
  expectIngested,
  expectNothingStored,
  type IngestHarness,
  postEvents,
  TITLES,
  usageEvent,
} from '../../../test/support/ingest.js';

/**
 * Text PostgreSQL cannot store (a NUL, a lone surrogate) is a bad event on every store: PostgreSQL answered
 * 500 (and the bundled sender retried the batch forever) where SQLite stored it. These run on both stores.
 */
let harness: IngestHarness;
freshIngestHarnessForEachTest((fresh) => {
  harness = fresh;
});

const NUL = "'build' contains the NUL character (U+0000), which text may not contain";
const SURROGATE =
  "'device' contains an unpaired UTF-16 surrogate (U+D800 to U+DFFF), so it is not well-formed Unicode text";

/** Event `id` of app 100 by t1 as JSON text, with `extra` members written by hand (their escapes as sent). */
const eventText = (id: string, extra = '') =>
  JSON.stringify(usageEvent(id)).replace(/\}$/, extra === '' ? '}' : `,${extra}}`);

describe('text no store can keep', () => {
  it('is a 400 pointing at the field (a NUL in build, a lone surrogate in device), and nothing is written', async () => {
    const body = `{"events":[${[
      eventText('e0'),
      eventText('e1'),
      eventText('e2'),
      eventText('e3', '"build":"a\\u0000b"'),
      eventText('e4', '"device":"\\ud800"'),
    ].join(',')}]}`;
    const response = await postEvents(harness, body);

    expectErrors(response, 400, [
      at('ENTITY_ERROR.ATTRIBUTE.INVALID', TITLES.INVALID, NUL, '/events/3/build'),
      at('ENTITY_ERROR.ATTRIBUTE.INVALID', TITLES.INVALID, SURROGATE, '/events/4/device'),
    ]);
    await expectNothingStored(harness);
    const [stats] = await harness.services.ingestion.stats();
    expect(stats).toMatchObject({ appId: '100', accepted: 0, rejected: 5, refusedBatches: 1 });
  });

  it('is refused the same way in NDJSON, a lone low surrogate and a NUL in the tester id too', async () => {
    const body = [
      eventText('e0', '"osVersion":"17\\udc00"'),
      eventText('e1').replace('"testerId":"t1"', '"testerId":"t1\\u0000"'),
    ].join('\n');
    const response = await postEvents(harness, body, { headers: { 'content-type': 'application/x-ndjson' } });

    expect(response.statusCode, response.body).toBe(400);
    expect(
      response.json<{ errors: Array<{ source: unknown }> }>().errors.map((error) => error.source),
    ).toEqual([{ pointer: '/events/0/osVersion' }, { pointer: '/events/1/testerId' }]);
    await expectNothingStored(harness);
  });

  it('refuses half of an emoji, and stores the whole emoji (a surrogate pair) as it was sent', async () => {
    const half = await postEvents(harness, `{"events":[${eventText('e1', '"build":"\\ud83d"')}]}`);
    expectErrors(half, 400, [
      at(
        'ENTITY_ERROR.ATTRIBUTE.INVALID',
        TITLES.INVALID,
        SURROGATE.replace('device', 'build'),
        '/events/0/build',
      ),
    ]);
    const whole = await postEvents(harness, {
      events: [usageEvent('e1', { build: '😀', platform: 'iOS 😀', device: '📱', osVersion: '✅' })],
    });
    expectIngested(whole, 1, 0);
    const [event] = await harness.store.listUsageEvents('100', undefined, 10);
    expect(event).toMatchObject({ build: '😀', platform: 'iOS 😀', device: '📱', osVersion: '✅' });
  });

  it('names an unknown attribute with a NUL escaped, and counts the refusal in the stats', async () => {
    const body = `{"events":[${eventText('e0', '"a\\u0000\\u001b[2Jb":"x"')}]}`;
    const response = await postEvents(harness, body);

    expectErrors(response, 400, [
      at(
        'ENTITY_ERROR.ATTRIBUTE.UNKNOWN',
        TITLES.UNKNOWN,
        "The attribute 'a\\x00\\x1b[2Jb' is not part of a usage event",
        '/events/0/a\\x00\\x1b[2Jb',
      ),
    ]);
    const [stats] = await harness.services.ingestion.stats();
    expect(stats?.reasons).toEqual([
      {
        reason: 'ENTITY_ERROR.ATTRIBUTE.UNKNOWN a\\x00\\x1b[2Jb',
        count: 1,
        lastAt: expect.any(String),
        lastDetail: "The attribute 'a\\x00\\x1b[2Jb' is not part of a usage event",
      },
    ]);
  });
});

describe('reads naming text no store holds', () => {
  it('answer a path with a NUL as a path that names no resource', async () => {
    for (const url of ['/v1/apps/%00', '/v1/betaTesters/t1%00', '/v1/apps/1%000/metrics/betaTesterUsages']) {
      expectErrors(await harness.get(url), 404, [PATH_ERROR]);
    }
  });

  it('refuse a filter with a NUL as an invalid value, shown escaped', async () => {
    expectErrors(await harness.get('/v1/apps?filter[id]=a%00b'), 400, [invalid('filter[id]', 'a\\x00b')]);
    expectErrors(await harness.get('/v1/betaTesters?filter[email]=%00'), 400, [
      invalid('filter[email]', '\\x00'),
    ]);
    expectErrors(
      await harness.get('/v1/apps/100/metrics/betaTesterUsages?groupBy=betaTesters&filter[betaTesters]=t%00'),
      400,
      [invalid('filter[betaTesters]', 't\\x00')],
    );
  });
});
