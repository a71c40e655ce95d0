import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import {
  allWindows,
  freshIngestHarnessForEachTest,
  DAY_MS,
  expectIngested,
  type IngestHarness,
  NOW,
  ndjson,
  postEvents,
  usageEvent,
  usageOf,
  values,
} from '../../../test/support/ingest.js';

let harness: IngestHarness;
freshIngestHarnessForEachTest((fresh) => {
  harness = fresh;
});

const NDJSON = { 'content-type': 'application/x-ndjson' };
const GZIP = { 'content-encoding': 'gzip' };
const storedTimes = async () =>
  (await harness.store.listUsageEvents('100', undefined, 100)).map((e) => `${e.id} ${e.occurredAt}`);

describe('200', () => {
  describe('bodies', () => {
    const batch = [
      usageEvent('s1'),
      usageEvent('c1', { type: 'crash', testerId: 't2' }),
      usageEvent('f1', { type: 'feedback', testerId: 't2', build: '42', platform: 'iOS' }),
    ];
    const expected = { t1: values(1), t2: values(0, 1, 1) };

    it('takes a JSON document and answers exactly {accepted, duplicates}', async () => {
      expectIngested(await postEvents(harness, { events: batch }), 3, 0);
      expect(await usageOf(harness)).toEqual(expected);
    });

    it('takes NDJSON, blank lines and CRLF included', async () => {
      const body = `${ndjson(batch).replaceAll('\n', '\r\n')}\r\n\n`;
      expectIngested(await postEvents(harness, body, { headers: NDJSON }), 3, 0);
      expect(await usageOf(harness)).toEqual(expected);
    });

    it('takes a gzipped JSON document', async () => {
      const body = gzipSync(JSON.stringify({ events: batch }));
      expectIngested(await postEvents(harness, body, { headers: GZIP }), 3, 0);
      expect(await usageOf(harness)).toEqual(expected);
    });

    it('takes gzipped NDJSON', async () => {
      const body = gzipSync(ndjson(batch));
      expectIngested(await postEvents(harness, body, { headers: { ...NDJSON, ...GZIP } }), 3, 0);
      expect(await usageOf(harness)).toEqual(expected);
    });

    it('takes an empty batch and writes nothing', async () => {
      expectIngested(await postEvents(harness, { events: [] }), 0, 0);
      expect(await usageOf(harness)).toEqual({});
    });
  });

  describe('clock skew', () => {
    // The harness's wall clock is NOW; a device whose clock runs 26 h fast dates its event 26 h ahead.
    const fast = '2023-10-06T14:00:00.000Z';

    it('corrects every event of a batch by the body’s sentAt', async () => {
      const events = [
        usageEvent('a', { timestamp: fast }),
        usageEvent('b', { timestamp: '2023-10-06T13:00:00Z' }),
      ];
      expectIngested(await postEvents(harness, { sentAt: fast, events }), 2, 0);
      expect(await storedTimes()).toEqual(['b 2023-10-05T11:00:00.000Z', 'a 2023-10-05T12:00:00.000Z']);
    });

    it('corrects by the X-Sent-At header, for NDJSON', async () => {
      const body = ndjson([usageEvent('a', { timestamp: fast })]);
      expectIngested(await postEvents(harness, body, { headers: { ...NDJSON, 'x-sent-at': fast } }), 1, 0);
      expect(await storedTimes()).toEqual(['a 2023-10-05T12:00:00.000Z']);
    });

    it('takes the body’s sentAt over the header', async () => {
      const payload = {
        sentAt: '2023-10-05T13:00:00Z',
        events: [usageEvent('a', { timestamp: '2023-10-05T13:00:00Z' })],
      };
      expectIngested(await postEvents(harness, payload, { headers: { 'x-sent-at': fast } }), 1, 0);
      expect(await storedTimes()).toEqual(['a 2023-10-05T12:00:00.000Z']);
    });

    it('counts a corrected event on its corrected UTC day', async () => {
      // 2 h fast: the device says 01:00 on the 5th, it was 23:00 on the 4th.
      const payload = {
        sentAt: '2023-10-05T14:00:00Z',
        events: [usageEvent('a', { timestamp: '2023-10-05T01:00:00Z' })],
      };
      expectIngested(await postEvents(harness, payload), 1, 0);
      harness.reportClock.set('2023-10-04T12:00:00Z');
      expect(await usageOf(harness, 'P7D')).toEqual({ t1: values(1) });
    });
  });

  describe('exactly once', () => {
    it('counts a batch sent twice once, and says the second time that all were duplicates', async () => {
      const events = [
        usageEvent('e1'),
        usageEvent('e2', { type: 'crash' }),
        usageEvent('e3', { testerId: 't3' }),
      ];
      expectIngested(await postEvents(harness, { events }), 3, 0);
      const once = await allWindows(harness);
      expectIngested(await postEvents(harness, { events }), 0, 3);
      expect(await allWindows(harness)).toEqual(once);
      expect(once.P365D).toEqual({ t1: values(1, 1), t3: values(1) });
    });

    it('counts a repeat within one batch once', async () => {
      expectIngested(
        await postEvents(harness, { events: [usageEvent('e1'), usageEvent('e1'), usageEvent('e2')] }),
        2,
        1,
      );
      expect(await usageOf(harness)).toEqual({ t1: values(2) });
    });

    it('counts two overlapping batches sent at the same time once', async () => {
      const batch = (from: number, to: number) => ({
        events: Array.from({ length: to - from }, (_, i) =>
          usageEvent(`e${from + i}`, { testerId: ['t1', 't2', 't3'][(from + i) % 3] }),
        ),
      });
      const responses = await Promise.all([
        postEvents(harness, batch(0, 300)),
        postEvents(harness, batch(200, 500)),
        postEvents(harness, batch(100, 400)),
      ]);
      const bodies = responses.map((response) => {
        expect(response.statusCode, response.body).toBe(200);
        return response.json<{ accepted: number; duplicates: number }>();
      });
      expect(bodies.reduce((sum, body) => sum + body.accepted, 0)).toBe(500);
      expect(bodies.reduce((sum, body) => sum + body.duplicates, 0)).toBe(400);
      expect(await usageOf(harness)).toEqual({ t1: values(167), t2: values(167), t3: values(166) });
      const [stats] = await harness.services.ingestion.stats();
      expect(stats).toMatchObject({ appId: '100', accepted: 500, duplicates: 400, rejected: 0 });
    });
  });

  describe('what the events mean', () => {
    it('makes a tester appear in the metrics at once with an install, or with a first session', async () => {
      expect(await usageOf(harness)).toEqual({});
      expectIngested(await postEvents(harness, { events: [usageEvent('i1', { type: 'install' })] }), 1, 0);
      expect(await usageOf(harness)).toEqual({ t1: values(0) });
      expectIngested(await postEvents(harness, { events: [usageEvent('s2', { testerId: 't2' })] }), 1, 0);
      expect(await usageOf(harness)).toEqual({ t1: values(0), t2: values(1) });
      const [t2] = await harness.store.listTesters({ ids: ['t2'] }, { limit: 1 });
      expect(t2?.apps).toEqual([{ appId: '100', state: 'INSTALLED' }]);
    });

    it('counts sessions, crashes and feedback on the UTC day of their timestamp', async () => {
      const events = [
        usageEvent('late-evening-west', { timestamp: '2023-10-04T23:30:00-02:00' }), // 01:30Z on the 5th
        usageEvent('early-morning-east', { timestamp: '2023-10-05T00:30:00+02:00', type: 'crash' }), // the 4th
        usageEvent('last-ms', { timestamp: '2023-10-04T23:59:59.999Z', type: 'feedback' }),
        usageEvent('first-ms', { timestamp: '2023-10-05T00:00:00.000Z' }),
      ];
      expectIngested(await postEvents(harness, { events }), 4, 0);
      expect(await usageOf(harness, 'P7D')).toEqual({ t1: values(2, 1, 1) });
      harness.reportClock.set('2023-10-04T12:00:00Z');
      expect(await usageOf(harness, 'P7D')).toEqual({ t1: values(0, 1, 1) });
    });

    it('counts a late event on its own day: in P365D, not in P90D, P30D or P7D', async () => {
      const install = { events: [usageEvent('i', { type: 'install', timestamp: NOW })] };
      expectIngested(await postEvents(harness, install), 1, 0);
      const before = await allWindows(harness);
      const late = new Date(Date.parse(NOW) - 200 * DAY_MS).toISOString();
      const events = [
        usageEvent('late-s', { timestamp: late }),
        usageEvent('late-c', { timestamp: late, type: 'crash' }),
      ];
      expectIngested(await postEvents(harness, { events }), 2, 0);
      const after = await allWindows(harness);
      expect(after.P365D).toEqual({ t1: values(1, 1) });
      expect({ P7D: after.P7D, P30D: after.P30D, P90D: after.P90D }).toEqual({
        P7D: before.P7D,
        P30D: before.P30D,
        P90D: before.P90D,
      });
      expect(before.P365D).toEqual({ t1: values(0) });
    });
  });
});

describe('CORS, for web apps that send events from their own origin', () => {
  it('answers the preflight without a key, allowing POST with the headers the client sends', async () => {
    const response = await harness.app.inject({
      method: 'OPTIONS',
      url: '/ingest/v1/events',
      headers: {
        origin: 'https://beta.example.com',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization, content-type',
      },
    });
    expect(response.statusCode).toBe(204);
    expect(response.headers).toMatchObject({
      'access-control-allow-origin': '*',
      'access-control-allow-methods': 'POST',
      'access-control-allow-headers': 'Authorization, Content-Type, Content-Encoding, X-Sent-At',
    });
  });

  it('lets the page read every answer: accepted, refused and unauthorized', async () => {
    const origin = { origin: 'https://beta.example.com' };
    const answers = [
      await postEvents(harness, { events: [usageEvent('c1')] }, { headers: origin }),
      await postEvents(harness, { events: [usageEvent('c2', { type: 'nap' })] }, { headers: origin }),
      await postEvents(harness, { events: [usageEvent('c3')] }, { headers: origin, key: 'bmi_wrong' }),
    ];
    expect(answers.map((answer) => answer.statusCode)).toEqual([200, 400, 401]);
    for (const answer of answers) {
      expect(answer.headers['access-control-allow-origin']).toBe('*');
      expect(answer.headers['access-control-expose-headers']).toBe('X-Request-ID, Retry-After');
    }
  });
});
