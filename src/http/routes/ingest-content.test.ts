import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import type { ExpectedError } from '../../../test/support/api-responses.js';
import {
  appWith,
  expectIngested,
  expectNothingStored,
  freshIngestHarnessForEachTest,
  type IngestHarness,
  postEvents,
  usageEvent,
  usageOf,
  values,
} from '../../../test/support/ingest.js';
import { eventSubmissionId } from '../../domain/ids.js';
import { DEFAULT_INGESTION_LIMITS } from '../../services/ingestion.js';

let harness: IngestHarness;
freshIngestHarnessForEachTest((fresh) => {
  harness = fresh;
});

/** Uploads a PNG of `width`×`height` for app 100; its id. */
async function uploaded(width: number, height: number): Promise<string> {
  const png = await sharp({ create: { width, height, channels: 3, background: '#3a6' } })
    .png()
    .toBuffer();
  const response = await harness.app.inject({
    method: 'POST',
    url: '/ingest/v1/screenshots',
    headers: { authorization: `Bearer ${harness.key}`, 'content-type': 'image/png' },
    payload: png,
  });
  expect(response.statusCode, response.body).toBe(201);
  return response.json<{ data: { id: string } }>().data.id;
}

const DETAILS = {
  deviceModel: 'iPhone15,2',
  osVersion: '17.0.3',
  locale: 'en-US',
  connectionType: 'WIFI',
  batteryPercentage: 81,
  screenWidthInPoints: 393,
  appPlatform: 'IOS',
  email: 'ada@example.com',
};

type Listed = Pick<ExpectedError, 'code' | 'detail' | 'source'>;

function errorsOf(response: { statusCode: number; json: () => unknown; body: string }): Listed[] {
  expect(response.statusCode, response.body).toBe(400);
  return (response.json() as { errors: ExpectedError[] }).errors.map(({ code, detail, source }) => ({
    code,
    detail,
    ...(source !== undefined && { source }),
  }));
}

describe('200', () => {
  it('makes a feedback event with content one screenshot submission, in the transaction of the event', async () => {
    const first = await uploaded(40, 30);
    const second = await uploaded(30, 40);
    const event = usageEvent('f1', {
      type: 'feedback',
      build: '42',
      comment: 'The button is cut off',
      details: DETAILS,
      screenshots: [second, first],
    });
    expectIngested(await postEvents(harness, { events: [event] }), 1, 0);
    const submission = await harness.store.findScreenshotFeedback(eventSubmissionId('100', 'f1'));
    expect(submission).toEqual({
      id: eventSubmissionId('100', 'f1'),
      appId: '100',
      buildId: '100-build-42',
      testerId: 't1',
      createdDate: '2023-10-05T10:00:00.000Z',
      comment: 'The button is cut off',
      email: 'ada@example.com',
      deviceModel: 'iPhone15,2',
      osVersion: '17.0.3',
      locale: 'en-US',
      timeZone: null,
      architecture: null,
      connectionType: 'WIFI',
      pairedAppleWatch: null,
      appUptimeInMilliseconds: null,
      diskBytesAvailable: null,
      diskBytesTotal: null,
      batteryPercentage: 81,
      screenWidthInPoints: 393,
      screenHeightInPoints: null,
      appPlatform: 'IOS',
      devicePlatform: null,
      deviceFamily: null,
      buildBundleId: null,
      eventId: 'f1',
      screenshots: [
        { sha256: second, mediaType: 'image/png', width: 30, height: 40 },
        { sha256: first, mediaType: 'image/png', width: 40, height: 30 },
      ],
    });
    expect(await usageOf(harness)).toEqual({ t1: values(0, 0, 1) });
  });

  it('makes the same batch sent twice one submission, the second time counted as duplicates', async () => {
    const id = await uploaded(10, 10);
    const events = [
      usageEvent('f1', { type: 'feedback', comment: 'once', screenshots: [id] }),
      usageEvent('s1'),
    ];
    expectIngested(await postEvents(harness, { events }), 2, 0);
    expectIngested(await postEvents(harness, { events }), 0, 2);
    expect(await harness.services.feedback.listScreenshots('100')).toHaveLength(1);
    expect(await usageOf(harness)).toEqual({ t1: values(1, 0, 1) });
  });

  it('names the build an app taking unknown builds creates for the event', async () => {
    await harness.services.apps.update('100', { allowUnknownBuilds: true });
    expectIngested(
      await postEvents(harness, {
        events: [usageEvent('f1', { type: 'feedback', build: '999', comment: 'new build' })],
      }),
      1,
      0,
    );
    const submission = await harness.store.findScreenshotFeedback(eventSubmissionId('100', 'f1'));
    const created = (await harness.store.listBuilds('100', { limit: 100 })).find((b) => b.version === '999');
    expect(submission?.buildId).toBe(created?.id);
  });

  it('makes a crash event with a log a crash submission with its crash log', async () => {
    const log = 'Exception Type: EXC_BAD_ACCESS\n'.repeat(100);
    const event = usageEvent('c1', { type: 'crash', testerId: 't2', crashLog: log, comment: 'crashed' });
    expectIngested(await postEvents(harness, { events: [event] }), 1, 0);
    const crash = await harness.store.findCrashFeedback(eventSubmissionId('100', 'c1'));
    expect(crash).toMatchObject({
      appId: '100',
      testerId: 't2',
      comment: 'crashed',
      buildId: null,
      crashLogId: eventSubmissionId('100', 'c1', 'crashLog'),
      crashLog: { id: eventSubmissionId('100', 'c1', 'crashLog'), appId: '100', logText: log },
    });
    expect(await usageOf(harness)).toEqual({ t2: values(0, 1, 0) });
  });

  it('counts feedback and crash events without content only, as before', async () => {
    const events = [usageEvent('f1', { type: 'feedback' }), usageEvent('c1', { type: 'crash' })];
    expectIngested(await postEvents(harness, { events }), 2, 0);
    expect(await harness.services.feedback.listScreenshots('100')).toEqual([]);
    expect(await harness.services.feedback.listCrashes('100')).toEqual([]);
  });
});

describe('400', () => {
  it('refuses the whole batch when one event names a screenshot not uploaded for the app, writing nothing', async () => {
    const id = await uploaded(10, 10);
    const missing = 'a'.repeat(64);
    const events = [
      usageEvent('f0', { type: 'feedback', comment: 'fine', screenshots: [id] }),
      usageEvent('s1'),
      usageEvent('s2'),
      usageEvent('f3', { type: 'feedback', screenshots: [id, missing] }),
    ];
    expect(errorsOf(await postEvents(harness, { events }))).toEqual([
      {
        code: 'ENTITY_ERROR.RELATIONSHIP.INVALID',
        detail: `There is no screenshot '${missing}' uploaded for app '100'; upload it to POST /ingest/v1/screenshots first`,
        source: { pointer: '/events/3/screenshots/1' },
      },
    ]);
    await expectNothingStored(harness);
    expect(await harness.services.feedback.listScreenshots('100')).toEqual([]);
  });

  it('refuses a screenshot of another app', async () => {
    const id = await uploaded(10, 10);
    const other = await harness.services.ingestKeys.create('200');
    const response = await postEvents(
      harness,
      { events: [usageEvent('f1', { type: 'feedback', appId: '200', testerId: 'u1', screenshots: [id] })] },
      { key: other.key },
    );
    expect(errorsOf(response).map((error) => error.source)).toEqual([{ pointer: '/events/0/screenshots/0' }]);
  });

  it('refuses a bad details attribute, an unknown one, and content on events it does not go with', async () => {
    const events = [
      usageEvent('f0', { type: 'feedback', details: { batteryPercentage: 101, shoeSize: 44 } }),
      usageEvent('s1', { comment: 'on a session' }),
      usageEvent('f2', { type: 'feedback', crashLog: 'not a crash' }),
      usageEvent('c3', { type: 'crash', screenshots: [] }),
      usageEvent('f4', { type: 'feedback', screenshots: ['nope'], details: 'iPhone' }),
    ];
    expect(
      errorsOf(await postEvents(harness, { events })).map((error) => [error.code, error.source]),
    ).toEqual([
      ['ENTITY_ERROR.ATTRIBUTE.INVALID', { pointer: '/events/0/details/batteryPercentage' }],
      ['ENTITY_ERROR.ATTRIBUTE.UNKNOWN', { pointer: '/events/0/details/shoeSize' }],
      ['ENTITY_ERROR.ATTRIBUTE.INVALID', { pointer: '/events/1/comment' }],
      ['ENTITY_ERROR.ATTRIBUTE.INVALID', { pointer: '/events/2/crashLog' }],
      ['ENTITY_ERROR.ATTRIBUTE.INVALID', { pointer: '/events/3/screenshots' }],
      ['ENTITY_ERROR.ATTRIBUTE.INVALID', { pointer: '/events/4/details' }],
      ['ENTITY_ERROR.ATTRIBUTE.INVALID', { pointer: '/events/4/screenshots/0' }],
    ]);
    await expectNothingStored(harness);
  });

  it('refuses a crash log over the limit, naming it', async () => {
    const app = await appWith(harness, { ...DEFAULT_INGESTION_LIMITS, maxCrashLogBytes: 100 });
    const events = [usageEvent('c1', { type: 'crash', crashLog: 'é'.repeat(51) })];
    expect(errorsOf(await postEvents(harness, { events }, { app }))).toEqual([
      {
        code: 'ENTITY_ERROR.ATTRIBUTE.INVALID',
        detail: "'crashLog' must be at most 100 bytes of UTF-8",
        source: { pointer: '/events/0/crashLog' },
      },
    ]);
    await app.close();
    await expectNothingStored(harness);
    expect(await harness.services.feedback.listCrashes('100')).toEqual([]);
  });

  it('refuses more than five screenshots and a comment over 4,000 characters', async () => {
    const events = [
      usageEvent('f0', {
        type: 'feedback',
        screenshots: Array.from({ length: 6 }, (_, i) => `${i}`.repeat(64)),
      }),
      usageEvent('f1', { type: 'feedback', comment: 'x'.repeat(4001) }),
    ];
    expect(errorsOf(await postEvents(harness, { events })).map((error) => error.source)).toEqual([
      { pointer: '/events/0/screenshots' },
      { pointer: '/events/1/comment' },
    ]);
  });
});
