import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { bytesHandles, stillThere } from '../../../test/support/content-bytes.js';
import {
  expectIngested,
  freshIngestHarnessForEachTest,
  type IngestHarness,
  postEvents,
  usageEvent,
  usageOf,
  values,
} from '../../../test/support/ingest.js';
import { eventSubmissionId } from '../../domain/ids.js';

/** docs/feedback-content.md, "Lifecycle": what deleting a submission or a tester, and the prune, take with them. */

let harness: IngestHarness;
freshIngestHarnessForEachTest((fresh) => {
  harness = fresh;
});

async function uploaded(width: number): Promise<string> {
  const png = await sharp({ create: { width, height: 8, channels: 3, background: '#3a6' } })
    .png()
    .toBuffer();
  const response = await harness.app.inject({
    method: 'POST',
    url: '/ingest/v1/screenshots',
    headers: { authorization: `Bearer ${harness.key}` },
    payload: png,
  });
  expect(response.statusCode, response.body).toBe(201);
  return response.json<{ data: { id: string } }>().data.id;
}

async function deleteResource(type: string, id: string) {
  return harness.app.inject({
    method: 'DELETE',
    url: `/v1/${type}/${id}`,
    headers: { authorization: `Bearer ${await harness.token()}` },
  });
}

/** Two feedback events of t1 sharing one screenshot, each with one of its own, and a crash of t1 with a log. */
async function ingestContent() {
  const [shared, first, second] = [await uploaded(10), await uploaded(11), await uploaded(12)];
  const events = [
    usageEvent('f1', { type: 'feedback', comment: 'one', screenshots: [shared, first] }),
    usageEvent('f2', { type: 'feedback', comment: 'two', screenshots: [second, shared] }),
    usageEvent('c1', { type: 'crash', crashLog: 'boom' }),
  ];
  expectIngested(await postEvents(harness, { events }), 3, 0);
  return { shared, first, second };
}

const stored = async (sha256: string) => (await harness.store.readContent('100', sha256)) !== undefined;

describe('DELETE of a submission', () => {
  it('deletes it with the screenshots no other submission names, bytes and all, and retracts its event', async () => {
    const { shared, first, second } = await ingestContent();
    expect(await usageOf(harness)).toEqual({ t1: values(0, 1, 2) });
    const handles = await bytesHandles(harness.location.location);
    expect(handles).toHaveLength(3);

    const response = await deleteResource(
      'betaFeedbackScreenshotSubmissions',
      eventSubmissionId('100', 'f1'),
    );
    expect(response.statusCode, response.body).toBe(204);
    expect(await usageOf(harness)).toEqual({ t1: values(0, 1, 1) });
    expect(await harness.store.findScreenshotFeedback(eventSubmissionId('100', 'f1'))).toBeUndefined();
    expect([await stored(shared), await stored(first), await stored(second)]).toEqual([true, false, true]);
    expect(await stillThere(harness.location.location, handles)).toEqual(
      await bytesHandles(harness.location.location),
    );
    expect(await bytesHandles(harness.location.location)).toHaveLength(2);
    expect((await harness.store.listUsageEvents('100', undefined, 10)).map((event) => event.id)).toEqual([
      'c1',
      'f2',
    ]);

    // The event can be sent again (a retry long after): it is new again, and so is its submission.
    const again = usageEvent('f1', { type: 'feedback', comment: 'one again' });
    expectIngested(await postEvents(harness, { events: [again] }), 1, 0);
    expect(await usageOf(harness)).toEqual({ t1: values(0, 1, 2) });
  });

  it('deletes the last submission naming a screenshot, and then the screenshot', async () => {
    const { shared } = await ingestContent();
    for (const id of ['f1', 'f2']) {
      const response = await deleteResource(
        'betaFeedbackScreenshotSubmissions',
        eventSubmissionId('100', id),
      );
      expect(response.statusCode, response.body).toBe(204);
    }
    expect(await stored(shared)).toBe(false);
    expect(await bytesHandles(harness.location.location)).toEqual([]);
    expect(await usageOf(harness)).toEqual({ t1: values(0, 1, 0) });
  });

  it('deletes a crash submission with its log, and retracts the crash', async () => {
    await ingestContent();
    const id = eventSubmissionId('100', 'c1');
    const response = await deleteResource('betaFeedbackCrashSubmissions', id);
    expect(response.statusCode, response.body).toBe(204);
    expect(await harness.store.findCrashFeedback(id)).toBeUndefined();
    expect(await harness.services.feedback.listCrashes('100')).toEqual([]);
    expect(await usageOf(harness)).toEqual({ t1: values(0, 0, 2) });
    const log = await harness.get(`/v1/betaCrashLogs/${eventSubmissionId('100', 'c1', 'crashLog')}`);
    expect(log.statusCode).toBe(404);
  });
});

describe('deleting a tester', () => {
  it('deletes their submissions and content', async () => {
    await ingestContent();
    const response = await deleteResource('betaTesters', 't1');
    expect(response.statusCode, response.body).toBe(204);
    expect(await harness.services.feedback.listScreenshots('100')).toEqual([]);
    expect(await harness.services.feedback.listCrashes('100')).toEqual([]);
    expect(await bytesHandles(harness.location.location)).toEqual([]);
  });
});

describe('the prune', () => {
  it('deletes the submissions of events past retention with their content, and uploads unnamed for a day', async () => {
    const { shared } = await ingestContent();
    const handles = await bytesHandles(harness.location.location);
    const unnamed = await uploaded(13);
    // A day and a bit later, by the wall clock: only the upload nothing names goes.
    harness.clock.advance(25 * 3_600_000);
    const recent = await uploaded(14);
    await harness.services.ingestion.prune();
    expect([await stored(unnamed), await stored(recent), await stored(shared)]).toEqual([false, true, true]);
    expect(await harness.services.feedback.listScreenshots('100')).toHaveLength(2);

    // Past the retention period of the events, by the report clock: their submissions go, with their content.
    harness.reportClock.advance(401 * 86_400_000);
    await harness.services.ingestion.prune();
    expect(await harness.services.feedback.listScreenshots('100')).toEqual([]);
    expect(await harness.services.feedback.listCrashes('100')).toEqual([]);
    expect(await stored(shared)).toBe(false);
    expect(await stillThere(harness.location.location, handles)).toEqual([]);
    // The counts stay, as the raw events' prune leaves the rollups.
    expect((await harness.store.listUsageEvents('100', undefined, 10)).length).toBe(0);
  });
});
